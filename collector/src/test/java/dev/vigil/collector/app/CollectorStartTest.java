package dev.vigil.collector.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vigil.collector.delivery.RecordKind;
import dev.vigil.collector.delivery.Spool;
import dev.vigil.collector.files.FileActivityMonitor;
import dev.vigil.schemas.HostEvent;
import dev.vigil.schemas.LogRecord;
import dev.vigil.schemas.topic.Topic;
import dev.vigil.schemas.topic.Topics;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent started as an operator starts it, in a child JVM in a mount namespace of its own (root only), with a
 * dataset on a FUSE mount whose daemon never reads /dev/fuse: every call on it waits, as on an NFS server that is away
 * (a hard mount). The shell that mounted it holds the device open until the child ends, and the namespace with the
 * mount ends with them, so nothing else on the machine meets it.
 */
class CollectorStartTest {
    @TempDir
    Path dir;

    @Test
    void shouldRunAndReportTheOtherDatasetsWhileTheFirstWalkOfOneWaitsOnItsFilesystem() throws Exception {
        final Path quick = Files.createDirectory(dir.resolve("quick"));
        final Path hung = Files.createDirectory(dir.resolve("hung"));
        final Process agent = start(hung, "files.datasets=slow=" + hung + ",quick=" + quick);
        try {
            assertTrue(waitForLog("collector agent running", 20), "the agent never said it runs: " + log());
            // Written once quick is indexed: what is there before is no change
            assertTrue(waitForLog("watching dataset quick", 20), "quick was never watched: " + log());
            Files.writeString(quick.resolve("report.txt"), "quarterly figures");
            Thread.sleep(5_000); // ten intervals
        } finally {
            agent.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // SIGKILL: what was published is in the spool
        }
        final List<HostEvent> events = spooledEvents();
        assertTrue(events.stream().anyMatch(e -> FileActivityMonitor.KIND.equals(e.getKind())
                && "quick".equals(e.getDataset()) && e.getFileActivity().getChangedPaths().contains("report.txt")),
                "the other dataset's change was not reported: " + events);
        assertTrue(events.stream().noneMatch(e -> "slow".equals(e.getDataset())),
                "an interval of the dataset whose first walk never ended was published");
        assertEquals(1, log().stream().filter(l -> l.contains("dataset slow: the first walk of")).count(),
                "the waiting walk is said once: " + log());
    }

    @Test
    void shouldReportTheOtherDatasetsWhileAnIntervalOfOneWaitsOnAFilesystemMountedInIt() throws Exception {
        final Path slow = Files.createDirectory(dir.resolve("slow"));
        final Path quick = Files.createDirectory(dir.resolve("quick"));
        final Path mountPoint = Files.createDirectory(slow.resolve("nfs"));
        final Path trigger = dir.resolve("mount-now");
        // An NFS automount inside a dataset whose server is away: mounted once the agent watches both datasets
        final Process agent = start("exec 3<>/dev/fuse; echo MOUNTED; while [ ! -e '" + trigger + "' ]; do sleep 0.1; "
                + "done; mount -i -t fuse.s3fs -o fd=3,rootmode=40000,user_id=0,group_id=0 hung '" + mountPoint
                + "'; read x", "files.datasets=slow=" + slow + ",quick=" + quick);
        try {
            assertTrue(waitForLog("watching dataset slow", 20) && waitForLog("watching dataset quick", 20),
                    "the datasets were never watched: " + log());
            Files.createFile(trigger);
            Thread.sleep(2_000); // slow's next interval walks the new mount, and waits there
            Files.writeString(quick.resolve("report.txt"), "quarterly figures");
            Thread.sleep(4_000);
        } finally {
            agent.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        final List<HostEvent> events = spooledEvents();
        assertTrue(events.stream().anyMatch(e -> FileActivityMonitor.KIND.equals(e.getKind())
                && "quick".equals(e.getDataset()) && e.getFileActivity().getChangedPaths().contains("report.txt")),
                "the other dataset's change was not reported: " + log());
        assertEquals(1, log().stream().filter(l -> l.contains("dataset slow: the walk of an interval of")
                && l.contains(mountPoint.toString())).count(), "the waiting walk is said once: " + log());
    }

    @Test
    void shouldStopOnSigtermWhileTailingALogGlobThatWaitsOnItsFilesystem() throws Exception {
        final Path hung = Files.createDirectory(dir.resolve("hung"));
        final Path logs = Files.createDirectory(dir.resolve("logs"));
        final Process agent = start(hung, "logs.paths=" + hung + "/*.log," + logs + "/*.log");
        try {
            assertTrue(waitForLog("collector agent running", 20), "the agent never said it runs: " + log());
            Thread.sleep(1_000); // the tailer's first round is under way, waiting on the mount
            agent.destroy(); // SIGTERM, as systemd and Ctrl-C stop it
            assertTrue(agent.waitFor(60, TimeUnit.SECONDS), "the agent did not stop within 60 s of SIGTERM: "
                    + log());
        } finally {
            agent.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        assertTrue(log().stream().anyMatch(l -> l.contains("collector agent stopped")), log().toString());
    }

    @Test
    void shouldTailTheOtherLogsWhileOneLogGlobWaitsOnItsFilesystem() throws Exception {
        final Path hung = Files.createDirectory(dir.resolve("hung"));
        final Path logs = Files.createDirectory(dir.resolve("logs"));
        Files.writeString(logs.resolve("app.log"), "2026-11-28T01:00:00Z ERROR disk full on /var\n");
        // The glob on the mount first: the other is listed after it
        final Process agent = start(hung, "logs.paths=" + hung + "/*.log," + logs + "/*.log\nlogs.start.at=beginning");
        try {
            assertTrue(waitForLog("collector agent running", 20), "the agent never said it runs: " + log());
            Thread.sleep(6_000); // three listings' waits, and the multi-line record's second
        } finally {
            agent.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        final List<String> read = new ArrayList<>();
        spooled(RecordKind.LOG, Topics.LOGS).forEach(r -> read.add(((LogRecord) r).getMessage()));
        assertTrue(read.stream().anyMatch(m -> m.contains("disk full")), "the other glob's log was not read: " + read
                + " " + log());
        assertEquals(1, log().stream().filter(l -> l.contains("listing " + hung + "/*.log has not answered"))
                .count(), "the glob that waits is said once: " + log());
    }

    /** Starts the agent with the FUSE mount at {@code hung} and settings besides; skips without root or FUSE. */
    private Process start(final Path hung, final String settingsBesides) throws Exception {
        return start("exec 3<>/dev/fuse; mount -i -t fuse.s3fs -o fd=3,rootmode=40000,user_id=0,group_id=0 hung '"
                + hung + "' && echo MOUNTED; read x", settingsBesides);
    }

    /**
     * Starts the agent after a shell command, which says MOUNTED on its first line; skips without root or FUSE.
     *
     * @param mount the command, run in the agent's mount namespace; its stdin is open until the agent ends
     * @param settingsBesides settings lines besides the common ones
     */
    private Process start(final String mount, final String settingsBesides) throws Exception {
        assumeTrue(Files.isWritable(Path.of("/dev/fuse")) && Files.isExecutable(Path.of("/usr/bin/unshare")),
                "needs root, /dev/fuse and unshare");
        final Path settings = dir.resolve("collector.properties");
        Files.writeString(settings, String.join("\n", "bootstrap.servers=127.0.0.1:1", "host.name=h",
                "state.dir=" + dir.resolve("state"), "metrics.interval.ms=500", "files.registry.enabled=false",
                "files.interval.ms=500", "events.http.port=0", settingsBesides, ""));
        final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        final Process child = new ProcessBuilder("unshare", "-m", "--propagation", "private", java, "-Xmx128m",
                "-cp", System.getProperty("java.class.path"), StartProbe.class.getName(), mount, settings.toString()).redirectError(dir.resolve("agent.log").toFile()).start();
        final String first = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))
                .readLine();
        if (!"MOUNTED".equals(first)) {
            child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        assumeTrue("MOUNTED".equals(first), "could not mount FUSE: " + first);
        return child;
    }

    private boolean waitForLog(final String text, final int seconds) throws Exception {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (log().stream().anyMatch(l -> l.contains(text))) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }

    /** @return the agent's log, less the Kafka client's lines about the broker it cannot reach */
    private List<String> log() throws Exception {
        return Files.readAllLines(dir.resolve("agent.log"), StandardCharsets.ISO_8859_1).stream()
                .filter(l -> !l.contains(" o.a.k.")).toList();
    }

    /** @return the events the stopped agent left in its spool (Kafka was never reachable) */
    private List<HostEvent> spooledEvents() {
        final List<HostEvent> out = new ArrayList<>();
        spooled(RecordKind.EVENT, Topics.EVENTS).forEach(e -> out.add((HostEvent) e));
        return out;
    }

    /** @return the records of a kind the stopped agent left in its spool */
    private List<Object> spooled(final RecordKind kind, final Topic<?, ?> topic) {
        final List<Object> out = new ArrayList<>();
        try (Spool spool = Spool.open(dir.resolve("state").resolve("spool"), 256L << 20, 1 << 20)) {
            for (Spool.Batch b = spool.take(kind, 1000); !b.isEmpty(); b = spool.take(kind, 1000)) {
                b.entries().forEach(e -> out.add(topic.valueSerde().deserializer().deserialize(topic.name(),
                        e.value())));
                spool.commit(b);
            }
        }
        return out;
    }
}
