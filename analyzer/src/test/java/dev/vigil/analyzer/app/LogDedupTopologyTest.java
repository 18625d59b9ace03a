package dev.vigil.analyzer.app;

import static dev.vigil.analyzer.app.TopologyFixture.HOST;
import static dev.vigil.analyzer.app.TopologyFixture.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.schemas.LogRecord;
import dev.vigil.schemas.Severity;
import dev.vigil.schemas.StatsWindow;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

/**
 * The collector delivers at least once: a batch sent again after a failure, or read again after a crash, repeats its
 * log records with their ids. Each must count once, whatever comes between, across a restart too.
 */
class LogDedupTopologyTest {
    private static final long STEP = 2_000;
    /** Lines 0-39, 0 to 78 s: minute 0 is published (and its grace over) before the batch ends. */
    private static final List<LogRecord> FIRST = lines(0, 40);
    /** Lines 40-79, 80 to 158 s. */
    private static final List<LogRecord> SECOND = lines(40, 40);
    /** Single lines that move the host's time on, so that every minute above is published and summarized. */
    private static final List<LogRecord> TAIL = List.of(line("tail-1", 200_000, "Job 7 done", Severity.INFO),
            line("tail-2", 300_000, "Job 8 done", Severity.INFO), line("tail-3", 400_000, "Job 9 done", Severity.INFO));

    private static LogRecord line(final String id, final long offsetMillis, final String message,
                                  final Severity severity) {
        return LogRecord.newBuilder().setId(id).setHost(HOST).setTime(T0.plusMillis(offsetMillis))
                .setSource("/var/log/app.log").setMessage(message).setSeverity(severity).build();
    }

    private static List<LogRecord> lines(final int from, final int count) {
        return IntStream.range(from, from + count).mapToObj(i -> i % 5 == 0
                ? line("line-" + i, i * STEP, "disk /dev/sda" + i % 2 + " failed", Severity.ERROR)
                : line("line-" + i, i * STEP, "Connection from 10.0.0." + i + " closed", Severity.INFO)).toList();
    }

    private static void send(final TopologyFixture f, final List<LogRecord> records) {
        records.forEach(r -> f.logs.pipeInput(r.getHost(), r, r.getTime()));
    }

    /** What the log path published: every log series' windows and every template record, in order. */
    private static List<String> published(final TopologyFixture f) {
        final List<String> out = new ArrayList<>();
        for (final StatsWindow w : f.stats.readValuesToList()) {
            out.add(w.getSeries() + " " + w.getWindow() + " " + w.getWindowStart() + " count=" + w.getCount()
                    + " mean=" + w.getMean());
        }
        f.templates.readValuesToList().forEach(t -> out.add("template " + t.getId() + " " + t.getTemplate()
                + " seen=" + t.getCount()));
        assertTrue(f.deadLetters.isEmpty(), "nothing dead-lettered");
        return out;
    }

    private static List<String> run(final Consumer<TopologyFixture> delivery) {
        try (TopologyFixture f = new TopologyFixture()) {
            delivery.accept(f);
            return published(f);
        }
    }

    private static List<String> once() {
        return run(f -> {
            send(f, FIRST);
            send(f, SECOND);
            send(f, TAIL);
        });
    }

    private static List<Double> lineCounts(final List<String> published) {
        return published.stream().filter(s -> s.startsWith("log.records 1m "))
                .map(s -> Double.parseDouble(s.substring(s.indexOf("mean=") + 5))).toList();
    }

    @Test
    void shouldPublishTheSameCountsWhenABatchOfLogRecordsIsDeliveredTwice() {
        final List<String> once = once();
        // 30 lines in minute 0, 30 in minute 1, 20 in minute 2, the tail's first line in minute 3
        assertEquals(List.of(30.0, 30.0, 20.0, 1.0), lineCounts(once).subList(0, 4), once::toString);
        final List<String> twice = run(f -> {
            send(f, FIRST);
            send(f, FIRST); // the whole batch again, after its first minute was published
            send(f, SECOND);
            send(f, TAIL);
        });
        assertEquals(once, twice);
    }

    @Test
    void shouldPublishTheSameCountsWhenRetriedLogRecordsComeBetweenNewOnes() {
        final List<String> once = once();
        final List<String> interleaved = run(f -> {
            send(f, FIRST.subList(0, 30));
            // the rest of the first batch, each line followed by the batch's first lines again
            for (int i = 30; i < FIRST.size(); i++) {
                send(f, List.of(FIRST.get(i), FIRST.get(i - 30)));
            }
            // new lines, each followed by a line of the first batch again, then the tail, each line twice
            for (int i = 0; i < SECOND.size(); i++) {
                send(f, List.of(SECOND.get(i), FIRST.get(i)));
            }
            TAIL.forEach(r -> send(f, List.of(r, r)));
        });
        assertEquals(once, interleaved);
    }

    @Test
    void shouldPublishTheSameCountsWhenLogRecordsAreDeliveredAgainAfterARestart() {
        final List<String> once = once();
        final List<String> out = new ArrayList<>();
        TopologyFixture f = new TopologyFixture();
        try {
            send(f, FIRST);
            out.addAll(published(f));
            f = f.restart(); // the analyzer restarts on its committed state; the collector sends the batch again
            send(f, FIRST);
            send(f, SECOND);
            send(f, TAIL);
            out.addAll(published(f));
        } finally {
            f.close();
        }
        // the same records, the templates first here: the first driver's outputs are read before the second's
        final List<String> sortedOnce = new ArrayList<>(once);
        final List<String> sortedOut = new ArrayList<>(out);
        sortedOnce.sort(null);
        sortedOut.sort(null);
        assertEquals(sortedOnce, sortedOut);
        assertEquals(once.stream().filter(s -> !s.startsWith("template")).toList(),
                out.stream().filter(s -> !s.startsWith("template")).toList());
    }

    @Test
    void shouldCountEveryLogRecordWithoutAnIdEvenWhenTwoAreAlike() {
        final List<String> published = run(f -> {
            for (int i = 0; i < 10; i++) {
                // pairs of the same line at the same time, none with an id
                send(f, List.of(line("", i / 2 * STEP, "Connection from 10.0.0." + i / 2 + " closed", Severity.INFO)));
            }
            send(f, TAIL);
        });
        assertEquals(10.0, lineCounts(published).get(0), published::toString);
    }

    /** Bytes of the records a changelog got since it was last read: keys, and values (none for a tombstone). */
    private static long written(final List<TestRecord<byte[], byte[]>> records, final Map<String, Integer> latest) {
        long bytes = 0;
        for (final TestRecord<byte[], byte[]> r : records) {
            final int value = r.value() == null ? 0 : r.value().length;
            bytes += r.key().length + value;
            latest.put(new String(r.key(), java.nio.charset.StandardCharsets.UTF_8), value);
        }
        return bytes;
    }

    private static TestOutputTopic<byte[], byte[]> changelog(final TopologyFixture f, final String store) {
        final String topic = f.driver.producedTopicNames().stream().filter(t -> t.endsWith("-" + store + "-changelog"))
                .findFirst().orElseThrow(() -> new AssertionError("no changelog of " + store));
        return f.driver.createOutputTopic(topic, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @Test
    void shouldWriteAFewKilobytesPerCommitForAHostWhoseIdsAreFull() {
        try (TopologyFixture f = new TopologyFixture()) {
            // 8,447 lines 10 ms apart: more than the 8,192 ids a host keeps, all within the dedup window, and the
            // newest bucket of ids one short of full (the most one more line can rewrite)
            for (int i = 0; i < 8_447; i++) {
                send(f, List.of(line("busy-" + i, i * 10L, "Connection from 10.0.0." + i % 200 + " closed",
                        Severity.INFO)));
            }
            final TestOutputTopic<byte[], byte[]> ids = changelog(f, "log-ids-store");
            final TestOutputTopic<byte[], byte[]> counts = changelog(f, "log-counts-store");
            final Map<String, Integer> idState = new HashMap<>();
            written(ids.readRecordsToList(), idState);
            counts.readRecordsToList();
            final long full = idState.values().stream().mapToLong(Integer::longValue).sum();
            // the driver commits after every record: what one more line of this host costs in one commit
            send(f, List.of(line("busy-8447", 84_470, "Connection from 10.0.0.1 closed", Severity.INFO)));
            final long idBytes = written(ids.readRecordsToList(), idState);
            final long countBytes = written(counts.readRecordsToList(), new HashMap<>());
            assertTrue(full > 70_000, "the host's ids, all of them (what every commit wrote before): " + full);
            assertTrue(idBytes > 0 && idBytes < 3_000, "id bytes written for one more line: " + idBytes);
            assertTrue(countBytes < 1_000, "count bytes written for one more line: " + countBytes);
            // and the ids still work: the line again is dropped
            f.stats.readValuesToList();
            send(f, List.of(line("busy-8447", 84_470, "Connection from 10.0.0.1 closed", Severity.INFO)));
            assertTrue(ids.isEmpty() && counts.isEmpty(), "a repeat writes nothing");
        }
    }
}
