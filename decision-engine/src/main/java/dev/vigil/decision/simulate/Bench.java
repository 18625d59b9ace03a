package dev.vigil.decision.simulate;

import dev.vigil.decision.engine.DecisionEngine;
import dev.vigil.decision.engine.EngineSettings;
import dev.vigil.decision.engine.Trigger;
import dev.vigil.decision.rules.RuleBook;
import dev.vigil.decision.state.DatasetChange;
import dev.vigil.decision.state.MemoryState;
import dev.vigil.decision.tree.Decider;
import dev.vigil.schemas.Anomaly;
import dev.vigil.schemas.AnomalyPhase;
import dev.vigil.schemas.Criticality;
import dev.vigil.schemas.DatasetSpec;
import dev.vigil.schemas.FileActivity;
import dev.vigil.schemas.HostEvent;
import dev.vigil.schemas.Retention;
import dev.vigil.schemas.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Throughput of the decision loop alone (no Kafka): file-activity events and anomaly steps over
 * many datasets, through the engine on memory state (values JSON-encoded on every access, as in
 * the stores). Measured with a given rule file against the same run with no rules, in one JVM.
 */
public final class Bench {
    private Bench() {
    }

    /**
     * @param rules the rules to measure
     * @param model the model
     * @param inputs how many inputs
     * @param datasets over how many datasets (4 per host)
     * @return inputs per second
     */
    public static double run(final RuleBook rules, final Decider model, final int inputs, final int datasets) {
        final DecisionEngine engine = new DecisionEngine(EngineSettings.defaults(), rules, model, at -> "b");
        final MemoryState store = new MemoryState();
        Instant now = Instant.parse("2026-01-05T00:00:00Z");
        for (int d = 0; d < datasets; d++) {
            final DatasetSpec spec = DatasetSpec.newBuilder().setId("d" + d).setHost("h" + d / 4).setTime(now)
                    .setPath("/srv/d" + d).setCriticality(Criticality.MEDIUM).setRetention(Retention.newBuilder().build())
                    .setRepository("/r").setTags(Map.of()).build();
            engine.handle(new Trigger.OfDatasets(spec.getHost(), new DatasetChange(spec.getId(), spec)), store, now);
        }
        final Random random = new Random(1);
        final long start = System.nanoTime();
        for (int i = 0; i < inputs; i++) {
            now = now.plusMillis(100);
            final int d = random.nextInt(datasets);
            final Trigger trigger = i % 10 == 0 ? new Trigger.OfAnomaly(Anomaly.newBuilder().setId("a" + i)
                    .setHost("h" + d / 4).setTime(now).setEpisodeId("e" + i).setPhase(AnomalyPhase.OPEN)
                    .setKind("metric").setSeries("cpu").setScore(random.nextDouble()).setObserved(1).setBaseline(0)
                    .setEpisodeStart(now).build())
                    : new Trigger.OfEvent(HostEvent.newBuilder().setId("e" + i).setHost("h" + d / 4).setTime(now)
                    .setKind("file.activity").setSeverity(Severity.INFO).setDataset("d" + d)
                    .setFileActivity(FileActivity.newBuilder().setDataset("d" + d)
                            .setIntervalStart(now.minus(Duration.ofMinutes(1))).setIntervalEnd(now)
                            .setModified(random.nextInt(10)).setDeleted(random.nextInt(2))
                            .setBytesWritten(random.nextInt(1_000_000)).setWriteEntropy(random.nextDouble() * 8)
                            .setEntropySampledBytes(8192).setChangedPaths(List.of()).setDeletedPaths(List.of())
                            .build()).build());
            engine.handle(trigger, store, now);
        }
        return inputs / ((System.nanoTime() - start) / 1e9);
    }
}
