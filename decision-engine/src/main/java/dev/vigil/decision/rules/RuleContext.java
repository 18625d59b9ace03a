package dev.vigil.decision.rules;

import dev.vigil.decision.rules.Facts.AnomalyFacts;
import dev.vigil.decision.rules.Facts.DatasetFacts;
import dev.vigil.decision.rules.Facts.EventFacts;
import dev.vigil.decision.rules.Facts.FileFacts;
import dev.vigil.decision.rules.Facts.ForecastFacts;
import dev.vigil.decision.rules.Facts.StateFacts;
import dev.vigil.decision.rules.Facts.StatsFacts;
import dev.vigil.decision.state.DatasetState;
import dev.vigil.schemas.Anomaly;
import dev.vigil.schemas.DatasetSpec;
import dev.vigil.schemas.FileActivity;
import dev.vigil.schemas.Forecast;
import dev.vigil.schemas.HostEvent;
import dev.vigil.schemas.StatsWindow;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything one rule evaluation sees, for one dataset and one trigger.
 *
 * @param trigger anomaly, event, forecast, stats or tick
 * @param now the engine's clock
 * @param anomaly the anomaly, or an absent one
 * @param event the event, or an absent one
 * @param forecast the forecast, or an absent one
 * @param stats the statistics window, or an absent one
 * @param dataset the dataset
 * @param state the dataset's state
 */
public record RuleContext(String trigger, Instant now, AnomalyFacts anomaly, EventFacts event,
                          ForecastFacts forecast, StatsFacts stats, DatasetFacts dataset, StateFacts state) {
    /** Trigger names, as rules list them under {@code on}. */
    public static final java.util.List<String> TRIGGERS = java.util.List.of("anomaly", "event", "forecast", "stats",
            "tick");
    static final AnomalyFacts NO_ANOMALY = new AnomalyFacts(false, "", "", "", "", 0, 0, 0, 0, Instant.EPOCH, "", "",
            "");
    static final FileFacts NO_FILE = new FileFacts(false, 0, 0, 0, 0, 0, -1, 0, 0, 0, false, Duration.ZERO);
    static final EventFacts NO_EVENT = new EventFacts(false, "", "", "", "", "", Map.of(), NO_FILE);
    static final ForecastFacts NO_FORECAST = new ForecastFacts(false, "", "", "", 0, 0, 0, Facts.NEVER, Duration.ZERO,
            0);
    static final StatsFacts NO_STATS = new StatsFacts(false, "", "", "", 0, 0, 0, 0, 0, -1, -1);

    /**
     * @param trigger the trigger name
     * @param now the clock
     * @param dataset the dataset
     * @param state its state
     * @return a context with no anomaly, event, forecast or stats; add one with the withers
     */
    public static RuleContext of(final String trigger, final Instant now, final DatasetFacts dataset,
                                 final StateFacts state) {
        return new RuleContext(trigger, now, NO_ANOMALY, NO_EVENT, NO_FORECAST, NO_STATS, dataset, state);
    }

    /** @return the variables for CEL, by name */
    public Map<String, Object> variables() {
        return Map.of("trigger", trigger, "now", now, "anomaly", anomaly, "event", event, "forecast", forecast,
                "stats", stats, "dataset", dataset, "state", state);
    }

    /**
     * @param a the anomaly step
     * @return a copy with it
     */
    public RuleContext with(final Anomaly a) {
        return new RuleContext(trigger, now, new AnomalyFacts(true, a.getId(), a.getKind(), a.getSeries(),
                a.getPhase().name(), a.getScore(), a.getPeakScore(), a.getObserved(), a.getBaseline(),
                a.getEpisodeStart(), orEmpty(a.getDataset()), a.getExplanation(), a.getDetector()),
                event, forecast, stats, dataset, state);
    }

    /**
     * @param e the event
     * @return a copy with it
     */
    public RuleContext with(final HostEvent e) {
        final FileActivity f = e.getFileActivity();
        final FileFacts file = f == null ? NO_FILE : new FileFacts(true, f.getCreated(), f.getModified(),
                f.getDeleted(), f.getRenamed(), f.getBytesWritten(),
                f.getWriteEntropy() == null ? -1 : f.getWriteEntropy(), f.getEntropySampledBytes(),
                f.getChangedPaths().size(), f.getDeletedPaths().size(), f.getComplete(),
                Duration.between(f.getIntervalStart(), f.getIntervalEnd()));
        return new RuleContext(trigger, now, anomaly, new EventFacts(true, e.getId(), e.getKind(),
                e.getSeverity().name(), e.getMessage(), orEmpty(e.getDataset()), new TreeMap<>(e.getAttributes()),
                file), forecast, stats, dataset, state);
    }

    /**
     * @param f the forecast
     * @return a copy with it
     */
    public RuleContext with(final Forecast f) {
        return new RuleContext(trigger, now, anomaly, event, new ForecastFacts(true, f.getId(), f.getSeries(),
                SeriesName.attribute(f.getSeries(), "mountpoint"), f.getCurrent(), f.getCapacity(),
                f.getRatePerSecond(), seconds(f.getTimeToFullSeconds()), seconds(f.getHorizonSeconds()), f.getR2()),
                stats, dataset, state);
    }

    /**
     * @param s the statistics window
     * @return a copy with it
     */
    public RuleContext with(final StatsWindow s) {
        return new RuleContext(trigger, now, anomaly, event, forecast, new StatsFacts(true, s.getId(), s.getSeries(),
                s.getWindow(), s.getCount(), s.getMean(), s.getMin(), s.getMax(), s.getStddev(),
                s.getMedian() == null ? -1 : s.getMedian(), s.getP95() == null ? -1 : s.getP95()), dataset, state);
    }

    /**
     * @param spec a dataset spec
     * @return its facts
     */
    public static DatasetFacts dataset(final DatasetSpec spec) {
        return new DatasetFacts(spec.getId(), spec.getHost(), spec.getPath(), spec.getCriticality().name(),
                level(spec), Duration.ofSeconds(spec.getRpoSeconds()), Duration.ofDays(spec.getFullEveryDays()),
                Duration.ofDays(spec.getVerifyEveryDays()), spec.getAutoRestore(), spec.getAutoMigrate(),
                orEmpty(spec.getOffsiteRepository()), orEmpty(spec.getSchedule()), new TreeMap<>(spec.getTags()));
    }

    /**
     * @param spec a dataset spec
     * @return criticality as 1 (LOW) to 4 (CRITICAL), 0 when unknown
     */
    public static long level(final DatasetSpec spec) {
        return switch (spec.getCriticality()) {
            case LOW -> 1;
            case MEDIUM -> 2;
            case HIGH -> 3;
            case CRITICAL -> 4;
            default -> 0;
        };
    }

    /**
     * @param s a dataset's state
     * @param now epoch ms
     * @param hostInFlight commands in flight on the whole host
     * @param window the change-rate window
     * @param horizon the activity horizon
     * @param episodeStart start of the current episode, or null
     * @param restoring whether Vigil's own restore writes into the dataset (see {@link StateFacts#restoring})
     * @return its facts
     */
    public static StateFacts state(final DatasetState s, final long now, final long hostInFlight,
                                   final Duration window, final Duration horizon, final Instant episodeStart,
                                   final boolean restoring) {
        final long windowStart = now - window.toMillis();
        long bytes = 0;
        long files = 0;
        long deleted = 0;
        long windowCreated = 0;
        long activeMs = 0;
        for (final DatasetState.Activity a : s.activity) {
            if (a.end() >= windowStart) {
                bytes += a.bytesWritten();
                files += a.files();
                deleted += a.deleted();
                windowCreated += a.created();
                if (a.files() > 0 || a.bytesWritten() > 0) {
                    activeMs += a.end() - Math.max(a.start(), windowStart);
                }
            }
        }
        long created = 0;
        long lost = 0;
        long firstDeleted = Long.MAX_VALUE;
        long rewritten = 0;
        long firstRewritten = Long.MAX_VALUE;
        for (final DatasetState.Tally t : s.tallies) {
            if (t.hour() + 3_600_000L > now - horizon.toMillis()) {
                created += t.created();
                lost += t.deleted();
                firstDeleted = t.firstDeletedAt() > 0 ? Math.min(firstDeleted, t.firstDeletedAt()) : firstDeleted;
                rewritten += t.rewritten();
                firstRewritten = t.firstRewrittenAt() > 0 ? Math.min(firstRewritten, t.firstRewrittenAt())
                        : firstRewritten;
            }
        }
        final double activeFraction = window.isZero() ? 0 : Math.min(1.0, (double) activeMs / window.toMillis());
        return new StateFacts(s.hasBackup(), age(s.sinceBackup(now)), age(s.sinceFull(now)),
                age(s.ageOf(dev.vigil.schemas.Action.VERIFY, now)), s.lastFullBytes, s.lastFileCount,
                s.changedBytesSinceFull, s.changedFilesSinceFull, s.changeRatioSinceFull(), s.chainLength,
                s.episodes.size(), episodeStart == null ? Instant.EPOCH : episodeStart,
                s.failuresInARow(), s.inFlight.size(), hostInFlight, s.proposals.size(),
                window, bytes, files, deleted, windowCreated,
                s.lastFullBytes > 0 ? (double) bytes / s.lastFullBytes : 0.0,
                activeFraction,
                s.interval == null || s.interval.until() <= now ? Duration.ZERO : Duration.ofMillis(s.interval.every()),
                restoring, s.rewriteRun == null ? 0 : s.rewriteRun.files(),
                s.rewriteRun == null ? Instant.EPOCH : Instant.ofEpochMilli(s.rewriteRun.start()), horizon, created,
                lost, firstDeleted == Long.MAX_VALUE ? Instant.EPOCH : Instant.ofEpochMilli(firstDeleted), rewritten,
                firstRewritten == Long.MAX_VALUE ? Instant.EPOCH : Instant.ofEpochMilli(firstRewritten));
    }

    private static Duration age(final long millis) {
        return millis == Long.MAX_VALUE ? Facts.NEVER : Duration.ofMillis(millis);
    }

    private static Duration seconds(final double s) {
        if (!Double.isFinite(s) || s > Facts.NEVER.toSeconds()) {
            return Facts.NEVER;
        }
        return Duration.ofMillis((long) (Math.max(0, s) * 1000));
    }

    private static String orEmpty(final String s) {
        return s == null ? "" : s;
    }
}
