package dev.vigil.analyzer.app;

import dev.vigil.analyzer.detect.HostProcessor;
import dev.vigil.analyzer.logs.DigitlessWords;
import dev.vigil.analyzer.logseries.LogProcessor;
import dev.vigil.analyzer.series.SeriesProcessor;
import dev.vigil.schemas.LogRecord;
import dev.vigil.schemas.MetricSample;
import dev.vigil.schemas.Severity;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.test.TestRecord;

/**
 * A churn soak of the analyzer topology at accelerated event time, by hand (not a test): hosts that live a few hours
 * and never return, per-container series that churn every hour on each host, log lines with ever-new parameters and
 * now and then a new template. Prints, per simulated half day, the keys of every store, the records and tombstones
 * each store wrote to its changelog, dead letters, the records per second, and the heap used after a GC (the driver
 * reads every output, so what it holds is the topology's). In-memory stores, series.expiry.ms 2 h. Run:
 * {@code scripts/soak-analyzer.sh topology [days]}.
 */
public final class SoakDriver {
    private static final long MINUTE = 60_000;
    /** Hosts alive at any time; each lives {@link #HOST_LIFE} then never comes back. */
    private static final int LIVE_HOSTS = 20;
    private static final long HOST_LIFE = 3 * 60 * MINUTE;
    /** A host's containers: each lives an hour, then another takes its place. */
    private static final int CONTAINERS = 3;
    private static final long CONTAINER_LIFE = 60 * MINUTE;

    private SoakDriver() {
    }

    public static void main(final String[] args) {
        final double days = args.length > 0 ? Double.parseDouble(args[0]) : 3;
        // the fixture's clock stands still: event times may run ahead of it for the whole run
        final Map<String, Object> settings = Map.of(AnalyzerConfig.SERIES_EXPIRY_MS_CONFIG, 2 * 60 * MINUTE,
                AnalyzerConfig.LOGS_MINER_MAX_TEMPLATES_CONFIG, 500,
                AnalyzerConfig.CLEAN_MAX_FUTURE_MS_CONFIG, 365 * 24 * 60 * MINUTE);
        try (TopologyFixture f = new TopologyFixture(settings)) {
            final List<String> stores = List.of(SeriesProcessor.STATE_STORE, SeriesProcessor.HISTORY_STORE,
                    SeriesProcessor.DETECTOR_STORE, SeriesProcessor.STATS_STORE, HostProcessor.STATE_STORE,
                    HostProcessor.DETECTOR_STORE, LogProcessor.COUNTS_STORE, LogProcessor.IDS_STORE);
            final long end = (long) (days * 24 * 60 * MINUTE);
            final Map<String, TestOutputTopic<byte[], byte[]>> changelogs = new LinkedHashMap<>();
            for (final String s : stores) {
                changelogs.put(s, f.driver.createOutputTopic(f.config.applicationId() + "-" + s + "-changelog",
                        new ByteArrayDeserializer(), new ByteArrayDeserializer()));
            }
            long records = 0;
            long deadLetters = 0;
            // changelog records and tombstones per store since the last line
            final Map<String, Long> written = new HashMap<>();
            final Map<String, Long> tombstones = new HashMap<>();
            long wallStart = System.nanoTime();
            long templates = 0;
            for (long t = 0; t < end; t += MINUTE) {
                for (int slot = 0; slot < LIVE_HOSTS; slot++) {
                    // hosts of one slot follow each other, staggered so that they do not all change at once
                    final long shifted = t + slot * HOST_LIFE / LIVE_HOSTS;
                    final String host = "h" + slot + "-" + shifted / HOST_LIFE;
                    f.send(TopologyFixture.metric(host, "system.cpu.utilization", t, 0.3 + 0.01 * (t / MINUTE % 7),
                            "1"));
                    for (int c = 0; c < CONTAINERS; c++) {
                        final long cshift = shifted + c * CONTAINER_LIFE / CONTAINERS;
                        final MetricSample m = TopologyFixture.metric(host, "container.cpu.utilization", t,
                                0.1 + 0.01 * (t / MINUTE % 5), "1");
                        m.setAttributes(Map.of("container", "c" + c + "x" + cshift / CONTAINER_LIFE));
                        f.send(m);
                        records++;
                    }
                    f.logs.pipeInput(host, TopologyFixture.log(host, t, "user u" + UUID.randomUUID()
                            + " logged in from 10.0." + slot + "." + (t / MINUTE % 250) + " port " + t % 65_000,
                            Severity.INFO));
                    records += 2;
                }
                if (t % (10 * MINUTE) == 0) {
                    // a template never seen: words without digits, a new one every ten minutes
                    final String word = DigitlessWords.of(templates++);
                    f.logs.pipeInput("h0-x", TopologyFixture.log("h0-x", t, "subsystem " + word + " entered state "
                            + word + "ing", Severity.INFO));
                    records++;
                }
                // the driver keeps what the topology writes until it is read
                f.stats.readRecordsToList();
                f.anomalies.readRecordsToList();
                f.templates.readRecordsToList();
                f.forecasts.readRecordsToList();
                deadLetters += f.deadLetters.readRecordsToList().size();
                for (final Map.Entry<String, TestOutputTopic<byte[], byte[]>> e : changelogs.entrySet()) {
                    for (final TestRecord<byte[], byte[]> r : e.getValue().readRecordsToList()) {
                        written.merge(e.getKey(), 1L, Long::sum);
                        tombstones.merge(e.getKey(), r.value() == null ? 1L : 0L, Long::sum);
                    }
                }
                if (t % (12 * 60 * MINUTE) == 0) {
                    final StringBuilder line = new StringBuilder(String.format("day %4.1f", t / 86_400_000.0));
                    for (final String s : stores) {
                        line.append(' ').append(s).append('=').append(f.storeKeys(s).size());
                    }
                    line.append(" | changelog records/tombstones:");
                    for (final String s : changelogs.keySet()) {
                        line.append(' ').append(s).append('=').append(written.getOrDefault(s, 0L)).append('/')
                                .append(tombstones.getOrDefault(s, 0L));
                    }
                    written.clear();
                    tombstones.clear();
                    final double seconds = (System.nanoTime() - wallStart) / 1e9;
                    System.gc();
                    final Runtime rt = Runtime.getRuntime();
                    line.append(String.format(" dead=%d records/s=%.0f heapMiB=%d", deadLetters, records / seconds,
                            (rt.totalMemory() - rt.freeMemory()) >> 20));
                    System.out.println(line);
                    records = 0;
                    wallStart = System.nanoTime();
                }
            }
        }
    }
}
