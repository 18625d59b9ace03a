package dev.vigil.deploy;

import dev.vigil.schemas.Anomaly;
import dev.vigil.schemas.BackupCommand;
import dev.vigil.schemas.BackupResult;
import dev.vigil.schemas.ByteSizes;
import dev.vigil.schemas.DatasetSpec;
import dev.vigil.schemas.DecisionRecord;
import dev.vigil.schemas.Feedback;
import dev.vigil.schemas.Figures;
import dev.vigil.schemas.FileActivity;
import dev.vigil.schemas.Forecast;
import dev.vigil.schemas.HostEvent;
import dev.vigil.schemas.LogRecord;
import dev.vigil.schemas.MetricSample;
import dev.vigil.schemas.StatsWindow;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** One readable line per record, for {@code vigil watch} and the demo's timeline. */
public final class Timeline {
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

    private Timeline() {
    }

    /**
     * @param record a record of any Vigil topic
     * @return a line without the leading time
     */
    public static String describe(final Object record) {
        if (record instanceof Anomaly a) {
            return String.format(Locale.ROOT, "ANOMALY  %-6s host=%s series=%s%s score=%.2f observed=%s baseline=%s%s",
                    a.getPhase(), a.getHost(), a.getSeries(), a.getDataset() == null ? "" : " dataset=" + a.getDataset(),
                    a.getScore(), number(a.getObserved()), number(a.getBaseline()), tail(a.getExplanation()));
        }
        if (record instanceof DecisionRecord d) {
            return String.format(Locale.ROOT, "DECISION %-10s %s dataset=%s by %s%s%s", d.getOutcome(),
                    d.getAction() == null ? "-" : d.getAction(), d.getDataset(), d.getSource().name().toLowerCase(Locale.ROOT),
                    d.getRule() == null || d.getRule().equalsIgnoreCase(d.getSource().name()) ? "" : " (rule '" + d.getRule() + "')", tail(d.getReason()))
                    + (d.getCommandId() == null ? "" : " [command " + shortId(d.getCommandId()) + ", decision "
                    + shortId(d.getId()) + "]");
        }
        if (record instanceof BackupCommand c) {
            return String.format(Locale.ROOT, "COMMAND  %s dataset=%s host=%s%s%s%s [%s]", c.getAction(), c.getDataset(),
                    c.getHost(), c.getPaths().isEmpty() ? "" : " paths=" + c.getPaths(),
                    c.getTarget() == null ? "" : " target=" + c.getTarget(), c.getOverwrite() ? " overwrite" : "",
                    shortId(c.getId()));
        }
        if (record instanceof BackupResult r) {
            return String.format(Locale.ROOT, "RESULT   %-9s %s dataset=%s%s%s%s", r.getStatus(), r.getAction(),
                    r.getDataset(), r.getSnapshotId() == null ? "" : " snapshot=" + shortId(r.getSnapshotId()),
                    r.getFigures() == null ? "" : " " + figures(r.getFigures()), tail(r.getMessage()));
        }
        if (record instanceof HostEvent e) {
            return "EVENT    " + e.getKind() + " host=" + e.getHost()
                    + (e.getDataset() == null ? "" : " dataset=" + e.getDataset())
                    + (e.getFileActivity() == null ? "" : " " + activity(e.getFileActivity())) + tail(e.getMessage());
        }
        if (record instanceof MetricSample m) {
            return "METRIC   host=" + m.getHost() + " " + m.getName() + (m.getAttributes().isEmpty() ? "" : m.getAttributes())
                    + "=" + number(m.getValue()) + " " + m.getUnit() + (m.getImputed() ? " (imputed)" : "");
        }
        if (record instanceof StatsWindow s) {
            return String.format(Locale.ROOT, "STATS    host=%s %s [%s] n=%d mean=%s std=%s p95=%s", s.getHost(),
                    s.getSeries(), s.getWindow(), s.getCount(), number(s.getMean()), number(s.getStddev()),
                    s.getP95() == null ? "-" : number(s.getP95()));
        }
        if (record instanceof Forecast f) {
            return String.format(Locale.ROOT, "FORECAST host=%s %s full in %s (now %s of %s)", f.getHost(), f.getSeries(),
                    duration(f.getTimeToFullSeconds()), number(f.getCurrent()), number(f.getCapacity()));
        }
        if (record instanceof LogRecord l) {
            return "LOG      host=" + l.getHost() + " " + l.getSeverity() + " " + l.getMessage();
        }
        if (record instanceof dev.vigil.schemas.LogTemplate t) {
            // the id is what vigil stats shows in log.template.records{template=...}
            return "TEMPLATE " + t.getId() + " host=" + t.getHost() + " seen=" + t.getCount() + " " + t.getTemplate();
        }
        if (record instanceof DatasetSpec d) {
            return "DATASET  " + d.getId() + " host=" + d.getHost() + " path=" + d.getPath();
        }
        if (record instanceof Feedback f) {
            return "FEEDBACK " + f.getVerdict() + " decision " + shortId(f.getDecisionId()) + tail(f.getReason());
        }
        return String.valueOf(record);
    }

    /**
     * @param time when it happened
     * @param line what happened
     * @return the line with a local clock in front
     */
    static String at(final Instant time, final String line) {
        return CLOCK.format(time) + "  " + line;
    }

    public static String figures(final Figures f) {
        return String.format(Locale.ROOT, "files new=%d changed=%d unchanged=%d removed=%d, read %s, added %s in %.1f s",
                f.getFilesNew(), f.getFilesChanged(), f.getFilesUnchanged(), f.getFilesRemoved(),
                ByteSizes.format(f.getBytesRead()), ByteSizes.format(f.getBytesAdded()), f.getDurationMs() / 1000.0);
    }

    private static String activity(final FileActivity a) {
        return String.format(Locale.ROOT, "created=%d modified=%d deleted=%d renamed=%d written=%s%s", a.getCreated(),
                a.getModified(), a.getDeleted(), a.getRenamed(), ByteSizes.format(a.getBytesWritten()),
                a.getWriteEntropy() == null ? "" : String.format(Locale.ROOT, " entropy=%.2f", a.getWriteEntropy()));
    }


    private static String duration(final double seconds) {
        if (seconds < 3600) {
            return String.format(Locale.ROOT, "%.0f min", seconds / 60);
        }
        if (seconds < 172_800) {
            return String.format(Locale.ROOT, "%.1f h", seconds / 3600);
        }
        return String.format(Locale.ROOT, "%.1f days", seconds / 86_400);
    }

    private static String number(final double v) {
        return Math.abs(v) >= 1e6 || (Math.abs(v) < 1e-3 && v != 0) ? String.format(Locale.ROOT, "%.3g", v)
                : String.format(Locale.ROOT, "%.3f", v).replaceAll("0+$", "").replaceAll("\\.$", "");
    }

    private static String tail(final String text) {
        return text == null || text.isBlank() ? "" : " - " + text;
    }

    /**
     * Eight characters that tell ids apart: the end of a UUID (Vigil's are time-ordered, so their
     * starts repeat within minutes; {@code vigil approve} takes a suffix), the start of a hash.
     */
    static String shortId(final String id) {
        if (id == null) {
            return "-";
        }
        if (id.length() <= 8) {
            return id;
        }
        return id.indexOf('-') >= 0 ? id.substring(id.length() - 8) : id.substring(0, 8);
    }
}
