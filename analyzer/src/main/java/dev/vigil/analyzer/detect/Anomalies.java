package dev.vigil.analyzer.detect;

import dev.vigil.analyzer.anomaly.DetectionResult;
import dev.vigil.schemas.Anomaly;
import dev.vigil.schemas.AnomalyPhase;
import dev.vigil.schemas.Contributor;
import dev.vigil.schemas.Ids;
import java.time.Instant;
import java.util.Locale;
import java.util.stream.Collectors;

/** Builds {@link Anomaly} records, with an explanation a person can read at 3 a.m. */
public final class Anomalies {
    /** Name and version of the model, carried in {@code Anomaly.detector}. */
    public static final String SERIES_DETECTOR = "isolation-forest/series/1";
    /** The host-level model. */
    public static final String HOST_DETECTOR = "isolation-forest/host/1";

    private Anomalies() {
    }

    /**
     * What an anomaly concerns.
     *
     * @param host the host
     * @param series the series text, or "host" for the host-level forest
     * @param kind metric, log, file or host
     * @param dataset the dataset concerned, or null
     * @param unit the series' unit, for the explanation
     * @param detector model name and version
     */
    public record Subject(String host, String series, String kind, String dataset, String unit, String detector) {
    }

    /**
     * @param subject what it concerns
     * @param phase OPEN, UPDATE or CLOSE
     * @param episode the episode
     * @param time event time of the scored point
     * @param result the detector's result at that point
     * @return the record
     */
    public static Anomaly of(final Subject subject, final AnomalyPhase phase, final Episode episode, final long time,
                             final DetectionResult result) {
        return Anomaly.newBuilder()
                .setId(Ids.nameBased("anomaly", episode.id(), phase.name(), Long.toString(time)))
                .setHost(subject.host())
                .setTime(Instant.ofEpochMilli(time))
                .setEpisodeId(episode.id())
                .setPhase(phase)
                .setKind(subject.kind())
                .setSeries(subject.series())
                .setDataset(subject.dataset())
                .setScore(result.score())
                .setPeakScore(episode.peak())
                .setObserved(result.observed())
                .setBaseline(result.baseline())
                .setEpisodeStart(Instant.ofEpochMilli(episode.start()))
                .setContributors(result.contributors())
                .setExplanation(explain(subject, phase, episode, time, result))
                .setDetector(subject.detector())
                .build();
    }

    /**
     * A CLOSE for an episode whose series stopped sending points.
     *
     * @param subject what it concerns
     * @param episode the open episode
     * @param lastTime event time of the series' last point
     * @param lastValue its value
     * @return the record
     */
    public static Anomaly quiet(final Subject subject, final Episode episode, final long lastTime,
                                final double lastValue) {
        final Anomaly close = of(subject, AnomalyPhase.CLOSE, episode, lastTime,
                new DetectionResult(true, 0, lastValue, lastValue, java.util.List.of()));
        close.setExplanation(subject.series() + " on " + subject.host() + " sent no points since "
                + Instant.ofEpochMilli(lastTime) + "; closing the episode since " + Instant.ofEpochMilli(episode.start())
                + " that peaked at score " + format(episode.peak()) + ".");
        return close;
    }

    /** A canonical (UCUM) unit as a sentence says it: {@code {record}} is records, {@code By} bytes. */
    static String forPeople(final String unit) {
        if (unit.startsWith("{") && unit.endsWith("}")) {
            return unit.substring(1, unit.length() - 1) + "s";
        }
        return switch (unit) {
            case "By" -> "bytes";
            case "By/s" -> "bytes/s";
            case "Cel" -> "°C";
            default -> unit;
        };
    }

    static String explain(final Subject s, final AnomalyPhase phase, final Episode episode, final long time,
                          final DetectionResult r) {
        final String what = s.series() + " on " + s.host() + (s.dataset() == null ? "" : " (dataset " + s.dataset() + ")");
        final String unit = s.unit() == null || "1".equals(s.unit()) ? "" : " " + forPeople(s.unit());
        final String because = r.contributors().isEmpty() ? "" : "; it stands out in "
                + r.contributors().stream().map(Anomalies::contributor).collect(Collectors.joining(", "));
        final String values = format(r.observed()) + unit + " where about " + format(r.baseline()) + unit
                + " was expected";
        switch (phase) {
            case OPEN:
                return what + " looks anomalous: " + values + " (score " + format(r.score()) + ")" + because + ".";
            case UPDATE:
                return what + " is more anomalous: " + values + " (score " + format(r.score()) + ", episode since "
                        + Instant.ofEpochMilli(episode.start()) + ")" + because + ".";
            default:
                return what + " is back to normal at " + Instant.ofEpochMilli(time) + " after an episode since "
                        + Instant.ofEpochMilli(episode.start()) + " that peaked at score " + format(episode.peak()) + ".";
        }
    }

    private static String contributor(final Contributor c) {
        return c.getName() + " " + format(c.getValue());
    }

    private static String format(final double v) {
        final double a = Math.abs(v);
        if (a != 0 && (a >= 1e6 || a < 1e-3)) {
            return String.format(Locale.ROOT, "%.3g", v);
        }
        return String.format(Locale.ROOT, "%.3f", v).replaceAll("0+$", "").replaceAll("\\.$", "");
    }
}
