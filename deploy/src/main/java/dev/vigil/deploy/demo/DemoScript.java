package dev.vigil.deploy.demo;

import dev.vigil.deploy.PrivateFiles;
import dev.vigil.deploy.local.LocalStack;
import dev.vigil.deploy.local.ServiceSettings;
import dev.vigil.schemas.Action;
import dev.vigil.schemas.Anomaly;
import dev.vigil.schemas.AnomalyPhase;
import dev.vigil.schemas.BackupResult;
import dev.vigil.schemas.CommandStatus;
import dev.vigil.schemas.Criticality;
import dev.vigil.schemas.DatasetSpec;
import dev.vigil.schemas.DecisionRecord;
import dev.vigil.schemas.Feedback;
import dev.vigil.schemas.HostEvent;
import dev.vigil.schemas.Ids;
import dev.vigil.schemas.MetricSample;
import dev.vigil.schemas.Outcome;
import dev.vigil.schemas.Verdict;
import dev.vigil.schemas.config.CommonConfig;
import dev.vigil.schemas.security.CommandSignature;
import dev.vigil.schemas.topic.Topic;
import dev.vigil.schemas.topic.Topics;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** The scripted incident of {@code vigil demo}, step by step, each step waiting for the records that prove it. */
final class DemoScript {
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());
    private static final EnumSet<Action> BACKUPS = EnumSet.of(Action.FULL, Action.INCREMENTAL, Action.DIFFERENTIAL);
    private static final String SERIES = "system.cpu.utilization";
    private static final int HISTORY_POINTS = 360;

    private final Path root;
    private final Path data;
    private final PrintStream out;
    private final Duration stepTimeout;
    private final int files;
    private final String host = "demo-host";
    private final List<String> summary = new ArrayList<>();
    private Tap tap;
    private KafkaProducer<byte[], byte[]> producer;

    /** A step did not happen in time; the message names it. */
    static final class StepFailed extends RuntimeException {
        StepFailed(final String step) {
            super(step);
        }
    }

    DemoScript(final Path root, final PrintStream out, final Duration stepTimeout, final int files) {
        this.root = root;
        this.data = root.resolve("data").resolve(DemoCommand.DATASET);
        this.out = out;
        this.stepTimeout = stepTimeout;
        this.files = files;
    }

    static String stamp(final String line) {
        return CLOCK.format(Instant.now()) + "  " + line;
    }

    /** Writes the dataset, keys and password, and returns the services' settings. */
    ServiceSettings prepare() throws IOException {
        DemoDataset.create(data, files);
        final Path keys = root.resolve("keys").resolve("decision-engine.key");
        CommandSignature.write(CommandSignature.generate(), keys);
        final Path password = root.resolve("repository.password");
        PrivateFiles.writeNew(password, "demo-" + Ids.timeOrdered(Instant.now()) + "\n");
        Files.createDirectories(root.resolve("restores"));
        final ServiceSettings s = ServiceSettings.empty().common(CommonConfig.HOST_NAME_CONFIG, host);
        s.worker().put("worker.datasets", DemoCommand.DATASET);
        s.worker().put("dataset." + DemoCommand.DATASET + ".path", data.toString());
        s.worker().put("dataset." + DemoCommand.DATASET + ".repository", root.resolve("repository").toString());
        s.worker().put("dataset." + DemoCommand.DATASET + ".password.file", password.toString());
        s.worker().put("worker.state.dir", root.resolve("state/worker").toString());
        s.worker().put("worker.command.public.key.file", CommandSignature.publicFileFor(keys).toString());
        s.worker().put("worker.restore.allowed.roots", root.resolve("restores").toString());
        s.decision().put("application.id", "vigil-demo-decision-engine");
        s.decision().put("state.dir", root.resolve("state/decision-engine").toString());
        s.decision().put("signing.key.file", keys.toString());
        s.decision().put("tick.interval", "1s");
        // A demo compresses an afternoon into a minute: no cooldown between backups of the dataset.
        s.decision().put("guard.cooldown", "1s");
        s.analyzer().put("application.id", "vigil-demo-analyzer");
        s.analyzer().put("state.dir", root.resolve("state/analyzer").toString());
        s.analyzer().put("query.endpoint", "127.0.0.1:0");
        s.collector().put("state.dir", root.resolve("state/collector").toString());
        s.collector().put("metrics.enabled", "false");
        s.collector().put("files.datasets", DemoCommand.DATASET + "=" + data);
        s.collector().put("files.interval.ms", "1000");
        s.collector().put("events.http.port", "0");
        return s;
    }

    /** Plays the incident; throws {@link StepFailed} naming a step that did not happen. */
    boolean play(final LocalStack stack) throws Exception {
        final Map<String, Object> props = new HashMap<>(stack.clientConfig());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
        tap = new Tap(stack.bootstrapServers(), List.of(Topics.ANOMALIES, Topics.DECISIONS, Topics.RESULTS,
                Topics.EVENTS), this::show);
        try {
            return steps();
        } finally {
            tap.close();
            producer.close();
        }
    }

    private boolean steps() throws Exception {
        // 1. Protect the dataset: with no backup yet, policy orders a first FULL.
        int cursor = tap.position();
        send(Topics.DATASETS, DemoCommand.DATASET, DatasetSpec.newBuilder().setId(DemoCommand.DATASET).setHost(host)
                .setTime(Instant.now()).setPath(data.toString()).setCriticality(Criticality.HIGH)
                .setRepository(root.resolve("repository").toString()).build());
        say("operator registers dataset " + DemoCommand.DATASET + " (" + files + " files) on " + host);
        final BackupResult full = await("first FULL backup of the new dataset", BackupResult.class, cursor,
                r -> r.getStatus() == CommandStatus.SUCCEEDED && BACKUPS.contains(r.getAction()));
        summary.add("first backup: " + full.getAction() + " " + figures(full));

        // 2. Telemetry, then the incident: a metric spike and a burst of rewrites.
        cursor = tap.position();
        // History every 10 s over the last hour, then the spike on the same 10 s grid up to now.
        final Instant now = Instant.now();
        final int spike = 6;
        publishHistory(now.minusSeconds(10L * spike));
        say("telemetry: " + HISTORY_POINTS + " samples of " + SERIES + " for " + host + " (last hour, ~20 % busy)");
        say("incident: " + SERIES + " jumps to 97 %, and 40 files are rewritten");
        for (int i = spike - 1; i >= 0; i--) {
            sendMetric(now.minusSeconds(10L * i), 0.97 + i * 0.004, "spike-" + i);
        }
        rewrite(40);
        final Anomaly anomaly = await("anomaly opened on the spike", Anomaly.class, cursor,
                a -> a.getPhase() == AnomalyPhase.OPEN && host.equals(a.getHost()));
        summary.add(String.format(Locale.ROOT, "anomaly: %s score %.2f (observed %.2f vs baseline %.2f)",
                anomaly.getSeries(), anomaly.getScore(), anomaly.getObserved(), anomaly.getBaseline()));
        final DecisionRecord backup = await("backup ordered after the anomaly", DecisionRecord.class, cursor,
                d -> d.getOutcome() == Outcome.COMMANDED && BACKUPS.contains(d.getAction()));
        final BackupResult taken = await("backup taken after the incident", BackupResult.class, cursor,
                r -> r.getStatus() == CommandStatus.SUCCEEDED && r.getCommandId().equals(backup.getCommandId()));
        summary.add("decision: " + backup.getAction() + " because " + backup.getReason());
        summary.add("backup: " + taken.getAction() + " " + figures(taken));

        // 3. The loss: files deleted, rewritten ones among them; a restore is proposed, approved, carried out.
        // Two collector intervals first, so that the deletions fall after the snapshot the backup took.
        Thread.sleep(2_000);
        final Manifest beforeLoss = Manifest.of(data);
        cursor = tap.position();
        final List<String> deleted = delete(25);
        say("loss: " + deleted.size() + " files deleted from " + data);
        final DecisionRecord proposal = await("restore proposed after the deletions", DecisionRecord.class, cursor,
                d -> d.getOutcome() == Outcome.PROPOSED && d.getAction() == Action.RESTORE);
        say("operator approves: vigil approve " + proposal.getId());
        send(Topics.FEEDBACK, DemoCommand.DATASET, Feedback.newBuilder().setId(Ids.timeOrdered(Instant.now()))
                .setHost(host).setTime(Instant.now()).setDecisionId(proposal.getId()).setDataset(DemoCommand.DATASET)
                .setVerdict(Verdict.APPROVE).setReason("demo: files are needed back").setOperator("demo").build());
        final DecisionRecord ordered = await("restore ordered after approval", DecisionRecord.class, cursor,
                d -> d.getAction() == Action.RESTORE && d.getCommandId() != null
                        && (d.getOutcome() == Outcome.APPROVED || d.getOutcome() == Outcome.COMMANDED));
        final BackupResult restored = await("restore carried out", BackupResult.class, cursor,
                r -> r.getStatus() == CommandStatus.SUCCEEDED && r.getAction() == Action.RESTORE
                        && r.getCommandId().equals(ordered.getCommandId()));
        summary.add("proposal: RESTORE because " + proposal.getReason());
        summary.add("restore: " + figures(restored));

        // 4. Proof.
        final List<String> differences = Manifest.of(data).differences(beforeLoss);
        if (!differences.isEmpty()) {
            say("VERIFY FAILED: " + differences.size() + " files differ from before the loss, e.g. "
                    + differences.subList(0, Math.min(5, differences.size())));
            throw new StepFailed("files identical to before the loss");
        }
        say("verified: all " + beforeLoss.files().size() + " files byte-identical to before the loss (SHA-256)");
        summary.add("verified: " + beforeLoss.files().size() + " files identical, " + deleted.size() + " restored");
        printSummary();
        return true;
    }

    private void publishHistory(final Instant now) throws Exception {
        final Random random = new Random(7);
        for (int i = HISTORY_POINTS; i >= 1; i--) {
            final double value = 0.20 + 0.04 * Math.sin(i / 30.0) + random.nextGaussian() * 0.015;
            sendMetric(now.minusSeconds(10L * i), Math.max(0, value), "history-" + i);
        }
        producer.flush();
    }

    private void sendMetric(final Instant time, final double value, final String tag) throws Exception {
        send(Topics.METRICS, host, MetricSample.newBuilder().setId(Ids.nameBased(host, SERIES, tag, time.toString()))
                .setHost(host).setTime(time).setName(SERIES).setValue(value).setUnit("1").build());
    }

    private List<Path> rewrite(final int count) throws IOException {
        final List<Path> candidates = textFiles();
        final List<Path> chosen = candidates.subList(0, Math.min(count, candidates.size()));
        for (final Path p : chosen) {
            DemoDataset.rewrite(p, 1);
        }
        return chosen;
    }

    private List<String> delete(final int count) throws IOException {
        final List<Path> candidates = textFiles();
        final List<String> deleted = new ArrayList<>();
        for (int i = 1; i < candidates.size() && deleted.size() < count; i += 3) {
            Files.delete(candidates.get(i));
            deleted.add(data.relativize(candidates.get(i)).toString());
        }
        return deleted;
    }

    private List<Path> textFiles() throws IOException {
        try (var paths = Files.walk(data)) {
            return paths.filter(Files::isRegularFile).filter(p -> !p.toString().endsWith(".bin")).sorted().toList();
        }
    }

    private <V extends SpecificRecord> void send(final Topic<String, V> topic, final String key, final V value)
            throws Exception {
        producer.send(new ProducerRecord<>(topic.name(), key.getBytes(StandardCharsets.UTF_8),
                topic.valueSerde().serializer().serialize(topic.name(), value))).get(30, TimeUnit.SECONDS);
    }

    private <T> T await(final String step, final Class<T> type, final int from, final Predicate<T> match)
            throws InterruptedException {
        return tap.await(type, from, match, stepTimeout).orElseThrow(() -> new StepFailed(step));
    }

    private void show(final Object record) {
        if (record instanceof HostEvent e && (e.getFileActivity() == null || quiet(e.getFileActivity()))) {
            return;
        }
        if (record instanceof BackupResult r && r.getStatus() == CommandStatus.PROGRESS) {
            return;
        }
        out.println(stamp(dev.vigil.deploy.Timeline.describe(record)));
    }

    private static boolean quiet(final dev.vigil.schemas.FileActivity a) {
        return a.getCreated() + a.getModified() + a.getDeleted() + a.getRenamed() == 0;
    }

    private void say(final String line) {
        out.println(stamp("DEMO     " + line));
    }

    private static String figures(final BackupResult r) {
        return r.getFigures() == null ? r.getMessage() : dev.vigil.deploy.Timeline.figures(r.getFigures());
    }

    private void printSummary() {
        out.println();
        out.println("Summary");
        summary.forEach(line -> out.println("  - " + line));
        out.println();
    }
}
