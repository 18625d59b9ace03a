package dev.vigil.decision;

import dev.vigil.schemas.Action;
import dev.vigil.schemas.Anomaly;
import dev.vigil.schemas.AnomalyPhase;
import dev.vigil.schemas.BackupResult;
import dev.vigil.schemas.CommandStatus;
import dev.vigil.schemas.Criticality;
import dev.vigil.schemas.DatasetSpec;
import dev.vigil.schemas.FileActivity;
import dev.vigil.schemas.Figures;
import dev.vigil.schemas.Forecast;
import dev.vigil.schemas.HostEvent;
import dev.vigil.schemas.Retention;
import dev.vigil.schemas.Severity;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Records for tests, with every field a test does not care about set to something plausible. */
public final class Fixtures {
    /** Journal sequence of the next activity: a collector numbers its intervals in order. */
    private static final java.util.concurrent.atomic.AtomicLong SEQUENCE = new java.util.concurrent.atomic.AtomicLong();

    private Fixtures() {
    }

    public static DatasetSpec.Builder dataset(final String id, final String host, final Instant time) {
        return DatasetSpec.newBuilder().setId(id).setHost(host).setTime(time).setPath("/srv/" + id)
                .setCriticality(Criticality.MEDIUM).setRpoSeconds(86_400).setFullEveryDays(7).setVerifyEveryDays(7)
                .setRetention(Retention.newBuilder().build()).setRepository("/backup/repo")
                .setOffsiteRepository("/offsite/repo").setTags(Map.of());
    }

    public static Anomaly.Builder anomaly(final String host, final double score, final Instant time) {
        return Anomaly.newBuilder().setId(UUID.randomUUID().toString()).setHost(host).setTime(time)
                .setEpisodeId("ep-" + host).setPhase(AnomalyPhase.OPEN).setKind("metric")
                .setSeries("system.cpu.utilization").setScore(score).setPeakScore(score).setObserved(0.99)
                .setBaseline(0.2).setEpisodeStart(time).setContributors(List.of());
    }

    public static BackupResult.Builder result(final String dataset, final String host, final String commandId,
                                              final Action action, final CommandStatus status, final Instant time) {
        return BackupResult.newBuilder().setId(UUID.randomUUID().toString()).setHost(host).setTime(time)
                .setCommandId(commandId).setDataset(dataset).setAction(action).setStatus(status)
                .setSnapshotId(status == CommandStatus.SUCCEEDED ? "snap-" + time.toEpochMilli() : null)
                .setLevel(status == CommandStatus.SUCCEEDED ? action : null)
                .setFigures(status == CommandStatus.SUCCEEDED ? Figures.newBuilder().setFilesNew(100)
                        .setBytesTotal(10_000_000).setBytesAdded(1_000_000).setDurationMs(1200).build() : null)
                .setMessage(status == CommandStatus.FAILED ? "disk full" : "").setRetriable(true);
    }

    public static FileActivity.Builder activity(final String dataset, final Instant end) {
        return FileActivity.newBuilder().setDataset(dataset).setIntervalStart(end.minusSeconds(60)).setIntervalEnd(end)
                .setChangedPaths(List.of()).setDeletedPaths(List.of()).setComplete(true)
                .setJournalSequence(SEQUENCE.incrementAndGet())
                .setWatcherEpoch("w1");
    }

    public static HostEvent event(final String host, final String kind, final FileActivity activity,
                                  final Instant time) {
        return HostEvent.newBuilder().setId(UUID.randomUUID().toString()).setHost(host).setTime(time).setKind(kind)
                .setSeverity(Severity.INFO).setDataset(activity == null ? null : activity.getDataset())
                .setMessage(kind).setAttributes(Map.of()).setFileActivity(activity).build();
    }

    public static Forecast forecast(final String host, final String series, final double timeToFull,
                                    final Instant time) {
        return Forecast.newBuilder().setId(UUID.randomUUID().toString()).setHost(host).setTime(time)
                .setSeries(series).setCurrent(0.9).setCapacity(1.0).setRatePerSecond(0.0001)
                .setTimeToFullSeconds(timeToFull).setHorizonSeconds(86_400).setR2(0.9).build();
    }
}
