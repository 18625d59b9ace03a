package dev.vigil.collector.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolTest {
    @TempDir
    Path dir;

    private static byte[] value(final String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> drain(final Spool spool, final RecordKind kind) {
        final List<String> out = new ArrayList<>();
        while (true) {
            final Spool.Batch b = spool.take(kind, 7);
            if (b.isEmpty()) {
                spool.release(b);
                return out;
            }
            b.entries().forEach(e -> out.add(new String(e.value(), StandardCharsets.UTF_8)));
            spool.commit(b);
        }
    }

    @Test
    void shouldCountAsWaitingOnlyWhatIsNotYetDelivered() {
        try (Spool spool = Spool.open(dir, 1 << 20, 1024)) {
            for (int i = 0; i < 100; i++) {
                spool.append(RecordKind.LOG, "h", value("log-" + i));
            }
            final long all = spool.waitingBytes();
            assertTrue(all > 0 && all <= spool.bytes(), all + " of " + spool.bytes());
            spool.commit(spool.take(RecordKind.LOG, 50));
            final long half = spool.waitingBytes();
            assertTrue(half > all / 3 && half < all * 2 / 3, half + " of " + all);
            drain(spool, RecordKind.LOG);
            assertEquals(0, spool.waitingBytes(), "delivered records still in a segment file are not waiting");
            assertTrue(spool.bytes() > 0, "the active segment keeps them until it is done");
        }
    }

    @Test
    void shouldReturnRecordsInOrderAcrossSegmentsAndReopen() {
        try (Spool spool = Spool.open(dir, 1 << 20, 1024)) {
            for (int i = 0; i < 100; i++) {
                assertTrue(spool.append(RecordKind.LOG, "h", value("log-" + i)));
            }
        }
        try (Spool spool = Spool.open(dir, 1 << 20, 1024)) {
            assertEquals(100, spool.pending(RecordKind.LOG));
            final Spool.Batch first = spool.take(RecordKind.LOG, 10);
            assertEquals("log-0", new String(first.entries().get(0).value(), StandardCharsets.UTF_8));
            assertEquals("h", first.entries().get(0).key());
            spool.commit(first);
        }
        try (Spool spool = Spool.open(dir, 1 << 20, 1024)) {
            final List<String> rest = drain(spool, RecordKind.LOG);
            assertEquals(100 - 10, rest.size(), "committed records must not come back after reopening");
            assertEquals("log-10", rest.get(0));
            assertEquals("log-99", rest.get(rest.size() - 1));
            assertEquals(0, spool.pending(RecordKind.LOG));
        }
    }

    @Test
    void shouldAppendABatchAcrossSegmentsInOrder() {
        try (Spool spool = Spool.open(dir, 1 << 20, 1024)) {
            final List<Spool.Entry> entries = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                entries.add(new Spool.Entry("h", value("batch-" + i)));
            }
            assertEquals(500, spool.appendAll(RecordKind.LOG, entries));
            spool.append(RecordKind.LOG, "h", value("single"));
            final List<String> got = drain(spool, RecordKind.LOG);
            assertEquals(501, got.size());
            for (int i = 0; i < 500; i++) {
                assertEquals("batch-" + i, got.get(i));
            }
            assertEquals("single", got.get(500));
        }
    }

    @Test
    void shouldReadARecordLargerThanTheReadWindow() {
        try (Spool spool = Spool.open(dir, 64 << 20, 8 << 20)) {
            spool.append(RecordKind.LOG, "h", value("small"));
            spool.append(RecordKind.LOG, "h", new byte[5 << 20]);
            spool.append(RecordKind.LOG, "h", value("after"));
            final List<String> got = drain(spool, RecordKind.LOG);
            assertEquals(3, got.size());
            assertEquals("small", got.get(0));
            assertEquals(5 << 20, got.get(1).length());
            assertEquals("after", got.get(2));
        }
    }

    @Test
    void shouldGiveBackAReleasedBatch() {
        try (Spool spool = Spool.open(dir, 1 << 20, 1024)) {
            spool.append(RecordKind.EVENT, "h", value("e1"));
            spool.release(spool.take(RecordKind.EVENT, 10));
            assertEquals(List.of("e1"), drain(spool, RecordKind.EVENT));
        }
    }

    @Test
    void shouldCutATornRecordAtTheEndWhenReopened() throws IOException {
        try (Spool spool = Spool.open(dir, 1 << 20, 1 << 16)) {
            spool.append(RecordKind.EVENT, "h", value("complete"));
            spool.append(RecordKind.EVENT, "h", value("torn-record-value"));
        }
        final Path segment;
        try (Stream<Path> files = Files.list(dir)) {
            segment = files.filter(p -> p.toString().endsWith(".seg")).findFirst().orElseThrow();
        }
        final long size = Files.size(segment);
        try (var ch = java.nio.channels.FileChannel.open(segment, StandardOpenOption.WRITE)) {
            ch.truncate(size - 5);
        }
        try (Spool spool = Spool.open(dir, 1 << 20, 1 << 16)) {
            assertEquals(List.of("complete"), drain(spool, RecordKind.EVENT));
            spool.append(RecordKind.EVENT, "h", value("after"));
            assertEquals(List.of("after"), drain(spool, RecordKind.EVENT));
        }
    }

    @Test
    void shouldDropOldestMetricsFirstAndNeverLogsOrEventsWhileMetricsRemain() {
        final int max = 16 * 1024;
        try (Spool spool = Spool.open(dir, max, 1024)) {
            for (int i = 0; i < 20; i++) {
                spool.append(RecordKind.LOG, "h", value(String.format("log-%03d-%s", i, "x".repeat(40))));
                spool.append(RecordKind.EVENT, "h", value(String.format("event-%03d-%s", i, "x".repeat(40))));
            }
            for (int i = 0; i < 1000; i++) {
                spool.append(RecordKind.METRIC, "h", value(String.format("metric-%04d-%s", i, "x".repeat(40))));
                assertTrue(spool.bytes() <= max, "spool above its bound: " + spool.bytes());
            }
            final Map<RecordKind, Long> dropped = spool.takeDropped();
            assertTrue(dropped.get(RecordKind.METRIC) > 0, "metrics must have been dropped: " + dropped);
            assertEquals(null, dropped.get(RecordKind.LOG), "no log may be dropped while metrics remain");
            assertEquals(null, dropped.get(RecordKind.EVENT), "no event may be dropped while metrics remain");
            assertEquals(20, drain(spool, RecordKind.LOG).size());
            assertEquals(20, drain(spool, RecordKind.EVENT).size());
            final List<String> metrics = drain(spool, RecordKind.METRIC);
            assertEquals("metric-0999", metrics.get(metrics.size() - 1).substring(0, 11), "newest metrics are kept");
            assertEquals(1000, metrics.size() + dropped.get(RecordKind.METRIC), "every metric kept or counted");
        }
    }

    /** Segment writes on a disk of {@code capacity} bytes (all files of the spool directory): ENOSPC beyond it. */
    private Spool.Writes disk(final long capacity) {
        return (channel, data, position) -> {
            long used;
            try (Stream<Path> files = Files.list(dir)) {
                used = files.mapToLong(f -> f.toFile().length()).sum();
            }
            final long growth = Math.max(0, position + data.remaining() - channel.size());
            final long room = capacity - used;
            if (growth > room) {
                if (room <= 0) {
                    throw new IOException("No space left on device");
                }
                // as write(2): what fits first, then ENOSPC on the next call
                final ByteBuffer part = data.duplicate();
                part.limit(part.position() + (int) room);
                final int n = channel.write(part, position);
                data.position(data.position() + n);
                return n;
            }
            return channel.write(data, position);
        };
    }

    @Test
    void shouldTreatAFullDiskAsAFullSpoolDroppingOldestMetricsFirstAndSayItOnce() {
        final ch.qos.logback.classic.Logger log = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory
                .getLogger(Spool.class);
        final ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> seen =
                new ch.qos.logback.core.read.ListAppender<>();
        seen.start();
        log.addAppender(seen);
        // The spool's own bound is far away; the disk under it holds 8 KiB
        try (Spool spool = Spool.open(dir, 1 << 20, 1024, 1024, disk(8 * 1024))) {
            for (int i = 0; i < 20; i++) {
                spool.append(RecordKind.EVENT, "h", value(String.format("event-%03d-%s", i, "x".repeat(40))));
            }
            for (int i = 0; i < 1000; i++) {
                spool.append(RecordKind.METRIC, "h", value(String.format("metric-%04d-%s", i, "x".repeat(40))));
            }
            for (int i = 0; i < 10; i++) {
                final List<Spool.Entry> logs = new ArrayList<>();
                for (int j = 0; j < 5; j++) {
                    logs.add(new Spool.Entry("h", value(String.format("log-%03d-%s", i * 5 + j, "x".repeat(40)))));
                }
                assertEquals(5, spool.appendAll(RecordKind.LOG, logs), "logs are stored by dropping metrics");
            }
            assertTrue(spool.diskFull());
            final Map<RecordKind, Long> dropped = spool.takeDropped();
            assertTrue(dropped.get(RecordKind.METRIC) > 900, "metrics dropped to make room: " + dropped);
            assertEquals(null, dropped.get(RecordKind.LOG), "no log dropped while metrics remain");
            assertEquals(null, dropped.get(RecordKind.EVENT));
            assertEquals(20, drain(spool, RecordKind.EVENT).size());
            assertEquals(50, drain(spool, RecordKind.LOG).size());
            final List<String> metrics = drain(spool, RecordKind.METRIC);
            assertEquals(1000, metrics.size() + dropped.get(RecordKind.METRIC), "every metric kept or counted");
            assertTrue(metrics.get(metrics.size() - 1).startsWith("metric-0999"), "the newest metrics are kept");
        }
        final List<String> warnings = seen.list.stream()
                .filter(e -> e.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.WARN))
                .map(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage).toList();
        log.detachAppender(seen);
        assertEquals(1, warnings.size(), "said once, then summed up each minute: " + warnings);
        assertTrue(warnings.get(0).contains("the disk is full (No space left on device)"), warnings.get(0));
        assertTrue(seen.list.stream().allMatch(e -> e.getThrowableProxy() == null), "no stack trace");
    }

    @Test
    void shouldDropNewRecordsAndCountThemWhenTheDiskIsFullAndNothingIsLeftToDrop() {
        try (Spool spool = Spool.open(dir, 1 << 20, 1024, 1024, disk(600))) {
            int stored = 0;
            for (int i = 0; i < 20; i++) {
                stored += spool.append(RecordKind.EVENT, "h", value(String.format("event-%03d-%s", i, "x".repeat(40))))
                        ? 1 : 0;
            }
            assertTrue(stored > 0 && stored < 20, "stored " + stored);
            assertEquals(20 - stored, spool.takeDropped().get(RecordKind.EVENT), "the rest is counted as dropped");
            assertEquals(stored, drain(spool, RecordKind.EVENT).size(), "no torn frame left by a partial write");
        }
    }

    @Test
    void shouldDropLogsBeforeEventsWhenNoMetricsAreLeft() {
        final int max = 8 * 1024;
        try (Spool spool = Spool.open(dir, max, 1024)) {
            for (int i = 0; i < 30; i++) {
                spool.append(RecordKind.EVENT, "h", value(String.format("event-%03d-%s", i, "x".repeat(40))));
            }
            for (int i = 0; i < 500; i++) {
                spool.append(RecordKind.LOG, "h", value(String.format("log-%04d-%s", i, "x".repeat(40))));
            }
            final Map<RecordKind, Long> dropped = spool.takeDropped();
            assertTrue(dropped.get(RecordKind.LOG) > 0);
            assertEquals(null, dropped.get(RecordKind.EVENT));
            assertEquals(30, drain(spool, RecordKind.EVENT).size());
            assertEquals(500, drain(spool, RecordKind.LOG).size() + dropped.get(RecordKind.LOG));
        }
    }

    @Test
    void shouldDeliverWhatIsAppendedAfterAReopenWhenTheFullSpoolHadDroppedEveryMetricSegment() {
        try (Spool spool = Spool.open(dir, 8 * 1024, 1024)) {
            for (int i = 0; i < 100; i++) {
                spool.append(RecordKind.METRIC, "h", value(String.format("m-%03d-%s", i, "x".repeat(40))));
            }
            assertEquals(100, drain(spool, RecordKind.METRIC).size()); // the cursor file names a segment past the first
            for (int i = 0; i < 400; i++) { // Kafka away: logs fill the spool, the metric segment goes first
                spool.append(RecordKind.LOG, "h", value(String.format("log-%03d-%s", i, "x".repeat(40))));
            }
            assertTrue(Stream.of(dir.toFile().list()).noneMatch(f -> f.endsWith(".seg") && f.startsWith("metric")));
        }
        try (Spool spool = Spool.open(dir, 8 * 1024, 1024)) {
            for (int i = 0; i < 5; i++) {
                spool.append(RecordKind.METRIC, "h", value("after-" + i));
            }
            assertEquals(List.of("after-0", "after-1", "after-2", "after-3", "after-4"),
                    drain(spool, RecordKind.METRIC));
        }
    }

    @Test
    void shouldNeverDropTheBatchBeingSent() {
        try (Spool spool = Spool.open(dir, 8 * 1024, 1024)) {
            for (int i = 0; i < 10; i++) {
                spool.append(RecordKind.METRIC, "h", value(String.format("m-%03d-%s", i, "x".repeat(40))));
            }
            final Spool.Batch out = spool.take(RecordKind.METRIC, 1000);
            for (int i = 10; i < 1000; i++) {
                spool.append(RecordKind.METRIC, "h", value(String.format("m-%03d-%s", i, "x".repeat(40))));
            }
            spool.commit(out);
            final List<String> rest = drain(spool, RecordKind.METRIC);
            assertEquals(1000, out.entries().size() + rest.size() + spool.takeDropped().get(RecordKind.METRIC));
        }
    }

    @Test
    void shouldTakeFromMemoryExactlyWhatTheSegmentFilesHold() {
        // The same random appends, takes, commits, releases, evictions and reopenings on three spools:
        // one that reads every batch back from its files, one with a small and one with a large
        // in-memory tail. Every batch, count and drop must be the same.
        final int[] recent = {0, 700, 1 << 20};
        final Spool[] spools = new Spool[recent.length];
        final Random random = new Random(7);
        final Spool.Batch[][] out = new Spool.Batch[recent.length][RecordKind.values().length];
        final Set<Spool.Entry> appended = Collections.newSetFromMap(new IdentityHashMap<>());
        int seq = 0;
        int fromMemory = 0;
        try {
            for (int round = 0; round < 3000; round++) {
                if (round % 1000 == 0) {
                    for (int s = 0; s < spools.length; s++) {
                        if (spools[s] != null) {
                            for (final Spool.Batch b : out[s]) {
                                if (b != null) {
                                    spools[s].release(b);
                                }
                            }
                            Arrays.fill(out[s], null);
                            spools[s].close();
                        }
                        spools[s] = Spool.open(dir.resolve("s" + s), 24 * 1024, 2048, recent[s]);
                    }
                }
                final RecordKind kind = RecordKind.values()[random.nextInt(3)];
                final int op = random.nextInt(10);
                if (op < 5) {
                    final List<Spool.Entry> entries = new ArrayList<>();
                    for (int i = random.nextInt(12); i >= 0; i--) {
                        entries.add(new Spool.Entry("h" + (seq % 3), value(seq++ + "-" + "x".repeat(random.nextInt(
                                random.nextInt(20) == 0 ? 1500 : 60)))));
                    }
                    appended.addAll(entries);
                    final int stored = spools[0].appendAll(kind, entries);
                    for (int s = 1; s < spools.length; s++) {
                        assertEquals(stored, spools[s].appendAll(kind, entries));
                    }
                } else if (op < 8) {
                    final int max = 1 + random.nextInt(20);
                    for (int s = 0; s < spools.length; s++) {
                        if (out[s][kind.ordinal()] == null) {
                            out[s][kind.ordinal()] = spools[s].take(kind, max);
                        }
                        final Spool.Batch a = out[0][kind.ordinal()];
                        final Spool.Batch b = out[s][kind.ordinal()];
                        assertEquals(a.segment(), b.segment(), "segment, round " + round);
                        assertEquals(a.end(), b.end(), "end, round " + round);
                        assertEquals(text(a), text(b), "records, round " + round);
                        assertTrue(s > 0 || a.isEmpty() || !appended.contains(a.entries().get(0)));
                        fromMemory += !b.isEmpty() && appended.contains(b.entries().get(0)) ? 1 : 0;
                    }
                } else {
                    for (int s = 0; s < spools.length; s++) {
                        final Spool.Batch b = out[s][kind.ordinal()];
                        if (b != null) {
                            if (op == 8) {
                                spools[s].commit(b);
                            } else {
                                spools[s].release(b);
                            }
                            out[s][kind.ordinal()] = null;
                        }
                    }
                }
                for (final Spool spool : spools) {
                    assertEquals(spools[0].bytes(), spool.bytes(), "bytes, round " + round);
                    for (final RecordKind k : RecordKind.values()) {
                        assertEquals(spools[0].pending(k), spool.pending(k), "pending, round " + round);
                    }
                }
            }
            final Map<RecordKind, Long> dropped = spools[0].takeDropped();
            assertTrue(dropped.getOrDefault(RecordKind.METRIC, 0L) > 0, "the test must evict: " + dropped);
            for (int s = 1; s < spools.length; s++) {
                assertEquals(dropped, spools[s].takeDropped());
            }
            assertTrue(fromMemory > 100, "batches must come from memory too: " + fromMemory);
        } finally {
            for (final Spool spool : spools) {
                if (spool != null) {
                    spool.close();
                }
            }
        }
    }

    private static List<String> text(final Spool.Batch b) {
        return b.entries().stream().map(e -> e.key() + ":" + new String(e.value(), StandardCharsets.UTF_8)).toList();
    }
}
