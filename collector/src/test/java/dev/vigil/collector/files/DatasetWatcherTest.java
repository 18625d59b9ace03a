package dev.vigil.collector.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vigil.schemas.FileActivity;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DatasetWatcherTest {
    @TempDir
    Path root;

    private DatasetWatcher start(final String mode, final int maxPaths) throws IOException {
        return DatasetWatcher.start("ds", root, DatasetWatcher.Options.of(mode, 0, maxPaths, 1 << 20, 8192),
                Clock.systemUTC());
    }

    /** Closes intervals until the activity has settled (notifications are asynchronous), bounded. */
    private static FileActivity settle(final DatasetWatcher w, final List<FileActivity> all) throws Exception {
        final long deadline = System.nanoTime() + 20_000_000_000L;
        Thread.sleep(200);
        FileActivity merged = w.closeInterval();
        all.add(merged);
        while (System.nanoTime() < deadline) {
            Thread.sleep(200);
            final FileActivity next = w.closeInterval();
            all.add(next);
            if (next.getChangedPaths().isEmpty() && next.getDeletedPaths().isEmpty()) {
                return merged;
            }
            merged = next;
        }
        throw new AssertionError("file activity did not settle");
    }

    /** Waits until notifications stop arriving (bounded), then closes the interval. */
    private static FileActivity closeSettled(final DatasetWatcher w) throws InterruptedException {
        final long deadline = System.nanoTime() + 10_000_000_000L;
        int last = -1;
        while (System.nanoTime() < deadline) {
            Thread.sleep(150);
            final int now = w.pendingNotifications();
            if (now == last) {
                break;
            }
            last = now;
        }
        return w.closeInterval();
    }

    private static String text(final int lines) {
        final StringBuilder sb = new StringBuilder();
        for (int i = 0; i < lines; i++) {
            sb.append("The quick brown fox jumps over the lazy dog, line ").append(i).append(".\n");
        }
        return sb.toString();
    }

    private static byte[] random(final int n) {
        final byte[] b = new byte[n];
        new Random(42).nextBytes(b);
        return b;
    }

    @ParameterizedTest
    @ValueSource(strings = {"watch", "scan"})
    void shouldCountCreatedModifiedDeletedAndRenamedFiles(final String mode) throws Exception {
        Files.writeString(root.resolve("keep.txt"), "keep");
        Files.writeString(root.resolve("gone.txt"), "gone");
        Files.writeString(root.resolve("old-name.txt"), "moving");
        try (DatasetWatcher w = start(mode, 1000)) {
            Files.writeString(root.resolve("new.txt"), text(10));
            Files.writeString(root.resolve("keep.txt"), "more", StandardOpenOption.APPEND);
            Files.delete(root.resolve("gone.txt"));
            Files.move(root.resolve("old-name.txt"), root.resolve("new-name.txt"));
            final FileActivity a = closeSettled(w);
            assertEquals(1, a.getCreated(), a.toString());
            assertEquals(1, a.getModified(), a.toString());
            assertEquals(1, a.getDeleted(), a.toString());
            assertEquals(1, a.getRenamed(), a.toString());
            assertEquals(List.of("keep.txt", "new-name.txt", "new.txt"), a.getChangedPaths());
            assertEquals(List.of("gone.txt", "old-name.txt"), a.getDeletedPaths());
            assertEquals(text(10).length() + 4, a.getBytesWritten(), "new file plus appended bytes");
            assertTrue(a.getComplete());
            assertEquals(1, a.getJournalSequence());
        }
    }

    @Test
    void shouldTellEncryptedRewritesFromTextWritesByEntropy() throws Exception {
        for (int i = 0; i < 5; i++) {
            Files.writeString(root.resolve("doc" + i + ".txt"), text(200));
        }
        try (DatasetWatcher w = start("watch", 1000)) {
            for (int i = 0; i < 5; i++) {
                Files.writeString(root.resolve("doc" + i + ".txt"), text(300));
            }
            final FileActivity textual = closeSettled(w);
            final int size = text(300).length();
            for (int i = 0; i < 5; i++) {
                // In-place encryption: same file, same size, random content.
                Files.write(root.resolve("doc" + i + ".txt"), random(size));
            }
            final FileActivity encrypted = closeSettled(w);
            final FileActivity quiet = closeSettled(w);
            assertTrue(textual.getWriteEntropy() < 5.5, "text: " + textual.getWriteEntropy());
            assertTrue(encrypted.getWriteEntropy() > 7.9, "random: " + encrypted.getWriteEntropy());
            assertEquals(5, encrypted.getModified());
            assertEquals(5L * size, encrypted.getBytesWritten(), "rewritten files count whole");
            assertTrue(encrypted.getEntropySampledBytes() > 0);
            assertNull(quiet.getWriteEntropy());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"watch", "scan"})
    void shouldReportDirectoryRenamesAndDeletesAsThePathsTheyAffect(final String mode) throws Exception {
        Files.createDirectories(root.resolve("a/b"));
        Files.writeString(root.resolve("a/one.txt"), "1");
        Files.writeString(root.resolve("a/b/two.txt"), "2");
        Files.createDirectories(root.resolve("doomed/sub"));
        Files.writeString(root.resolve("doomed/sub/x.txt"), "x");
        try (DatasetWatcher w = start(mode, 1000)) {
            Files.move(root.resolve("a"), root.resolve("z"));
            Files.delete(root.resolve("doomed/sub/x.txt"));
            Files.delete(root.resolve("doomed/sub"));
            Files.delete(root.resolve("doomed"));
            Files.createDirectories(root.resolve("fresh/deep"));
            Files.writeString(root.resolve("fresh/deep/f.txt"), "fresh content");
            final List<FileActivity> all = new java.util.ArrayList<>();
            settle(w, all);
            final java.util.Set<String> changed = new java.util.TreeSet<>();
            final java.util.Set<String> deleted = new java.util.TreeSet<>();
            long renamed = 0;
            for (final FileActivity a : all) {
                changed.addAll(a.getChangedPaths());
                deleted.addAll(a.getDeletedPaths());
                renamed += a.getRenamed();
                assertTrue(a.getComplete(), a.toString());
            }
            assertTrue(changed.containsAll(List.of("z", "z/b", "z/one.txt", "z/b/two.txt", "fresh", "fresh/deep",
                    "fresh/deep/f.txt")), changed.toString());
            assertTrue(deleted.containsAll(List.of("a", "a/b", "a/one.txt", "a/b/two.txt", "doomed", "doomed/sub",
                    "doomed/sub/x.txt")), deleted.toString());
            assertEquals(2, renamed, "two files moved with their directory");
            for (int i = 0; i < all.size(); i++) {
                assertEquals(i + 1, all.get(i).getJournalSequence(), "contiguous sequence");
                assertEquals(w.epoch(), all.get(i).getWatcherEpoch());
            }
        }
    }

    @Test
    void shouldReportNothingAndStayCompleteWhenNothingChanges() throws Exception {
        Files.writeString(root.resolve("a.txt"), "a");
        try (DatasetWatcher w = start("watch", 1000)) {
            final FileActivity a = w.closeInterval();
            assertTrue(a.getComplete());
            assertEquals(0, a.getCreated() + a.getModified() + a.getDeleted() + a.getRenamed());
            assertTrue(a.getIntervalEnd().compareTo(a.getIntervalStart()) >= 0);
            final FileActivity b = w.closeInterval();
            assertEquals(a.getIntervalEnd(), b.getIntervalStart(), "intervals leave no gap");
        }
    }

    @Test
    void shouldMarkAnIntervalIncompleteWhenItsListsAreCut() throws Exception {
        try (DatasetWatcher w = start("watch", 5)) {
            for (int i = 0; i < 10; i++) {
                Files.writeString(root.resolve("f" + i), "x");
            }
            final FileActivity a = closeSettled(w);
            assertFalse(a.getComplete());
            assertEquals(10, a.getCreated(), "counts stay exact when the lists are cut");
            assertTrue(a.getChangedPaths().size() + a.getDeletedPaths().size() <= 5);
            assertTrue(w.closeInterval().getComplete(), "the next interval is complete again");
        }
    }

    @Test
    void shouldMarkAnIntervalIncompleteWhenNotificationsOverflowAndStillFindTheChanges() throws Exception {
        try (DatasetWatcher w = start("watch", 100_000)) {
            w.suspendEvents();
            // The JDK queues at most 512 events per directory before it reports an overflow.
            for (int i = 0; i < 2000; i++) {
                Files.write(root.resolve("f" + i), "x".getBytes(StandardCharsets.UTF_8));
            }
            w.resumeEvents();
            final FileActivity a = closeSettled(w);
            assertFalse(a.getComplete(), "an overflow loses notifications: " + a.getCreated());
            assertEquals(2000, a.getCreated(), "the rescan still finds every change");
            final FileActivity b = closeSettled(w);
            assertTrue(b.getComplete());
            assertEquals(a.getJournalSequence() + 1, b.getJournalSequence());
        }
    }

    @Test
    void shouldKeepReportingIncompleteUntilItWatchesADatasetDirectoryThatWasRemovedAndMadeAgain() throws Exception {
        final ch.qos.logback.classic.Logger log = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory
                .getLogger(DatasetWatcher.class);
        final ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> seen =
                new ch.qos.logback.core.read.ListAppender<>();
        seen.start();
        log.addAppender(seen);
        try (DatasetWatcher w = start("watch", 100_000)) {
            Files.writeString(root.resolve("a.txt"), "a");
            closeSettled(w);
            // rm -rf and mkdir: the new directory is another inode, which no watch covers
            Files.delete(root.resolve("a.txt"));
            Files.delete(root);
            boolean incomplete = false; // the end of the watch is notified too, a little after the deletion
            for (int i = 0; i < 20 && !incomplete; i++) {
                incomplete = !closeSettled(w).getComplete();
            }
            assertTrue(incomplete, "the dataset directory's watch ended");
            for (int i = 0; i < 3; i++) {
                assertFalse(closeSettled(w).getComplete(), "still gone");
            }
            // a directory gone for hours (an unmounted file system) was a WARN every interval
            assertEquals(1, seen.list.stream().filter(e -> e.getFormattedMessage().contains("directory was removed"))
                    .count(), seen.list.toString());
            Files.createDirectories(root);
            Files.writeString(root.resolve("z.txt"), "back");
            final FileActivity back = closeSettled(w);
            assertFalse(back.getComplete(), "changes made while nothing watched are found by a rescan, not trusted");
            assertTrue(back.getChangedPaths().contains("z.txt"), back.getChangedPaths().toString());
            Files.writeString(root.resolve("z2.txt"), "more");
            final FileActivity watched = closeSettled(w);
            assertTrue(watched.getComplete(), "watched again");
            assertEquals(List.of("z2.txt"), watched.getChangedPaths());
            assertTrue(seen.list.stream().anyMatch(e -> e.getFormattedMessage().contains("directory is watched again")),
                    seen.list.toString());
        } finally {
            log.detachAppender(seen);
        }
    }

    @Test
    void shouldSwitchToScanningWhenTheVerificationFindsChangesTheNotificationsMissed() throws Exception {
        try (DatasetWatcher w = DatasetWatcher.start("ds", root, DatasetWatcher.Options.of("auto", 1, 1000, 1 << 20,
                8192), Clock.systemUTC())) {
            assumeTrue(w.mode() == DatasetWatcher.Mode.WATCH, "auto mode watches local filesystems only");
            w.suspendEvents(); // from now on no notification arrives
            Files.writeString(root.resolve("silent.txt"), "x");
            final FileActivity a = w.closeInterval();
            assertFalse(a.getComplete(), "the verification scan found a change no notification reported");
            assertEquals(List.of("silent.txt"), a.getChangedPaths());
            assertEquals(DatasetWatcher.Mode.SCAN, w.mode());
            Files.writeString(root.resolve("later.txt"), "y");
            final FileActivity b = w.closeInterval();
            assertTrue(b.getComplete(), "scanning finds every change");
            assertEquals(List.of("later.txt"), b.getChangedPaths());
        }
    }

    @Test
    void shouldRemoveExactlyTheSubtreeOfADeletedDirectoryAndNotItsLookAlikeSiblings() throws Exception {
        // The index is sorted so that a directory's paths are one range ("a/" up to "a0"): siblings whose names
        // start with the same letters and sort just before or after that range must stay
        for (final String dir : List.of("a", "a b", "a.b", "a0", "a-", "ab", "a/a")) {
            Files.createDirectories(root.resolve(dir));
            Files.writeString(root.resolve(dir).resolve("f"), dir);
        }
        try (DatasetWatcher w = start("watch", 1000)) {
            Files.delete(root.resolve("a/a/f"));
            Files.delete(root.resolve("a/a"));
            Files.delete(root.resolve("a/f"));
            Files.delete(root.resolve("a"));
            final List<FileActivity> all = new java.util.ArrayList<>();
            settle(w, all);
            final java.util.Set<String> deleted = new java.util.TreeSet<>();
            for (final FileActivity a : all) {
                deleted.addAll(a.getDeletedPaths());
                assertTrue(a.getComplete(), a.toString());
            }
            assertEquals(java.util.Set.of("a", "a/f", "a/a", "a/a/f"), deleted);
            for (final String dir : List.of("a b", "a.b", "a0", "a-", "ab")) {
                Files.delete(root.resolve(dir).resolve("f"));
            }
            all.clear();
            settle(w, all);
            deleted.clear();
            all.forEach(a -> deleted.addAll(a.getDeletedPaths()));
            assertEquals(java.util.Set.of("a b/f", "a.b/f", "a0/f", "a-/f", "ab/f"), deleted,
                    "the look-alike siblings were still indexed");
        }
    }

    @Test
    void shouldStopAScanInProgressWhenClosedAndMarkItsIntervalIncomplete() throws Exception {
        for (final String d : List.of("a", "b", "c")) {
            Files.createDirectories(root.resolve(d));
            Files.writeString(root.resolve(d).resolve("f"), d);
        }
        final java.util.concurrent.CountDownLatch inWalk = new java.util.concurrent.CountDownLatch(1);
        final java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        final java.util.concurrent.atomic.AtomicBoolean heldTooLong = new java.util.concurrent.atomic.AtomicBoolean();
        final DatasetWatcher w = start("scan", 1000);
        // a scan that takes long (a large tree, a slow disk): held in its first directory until released
        w.beforeDirectory(() -> {
            inWalk.countDown();
            try {
                heldTooLong.set(!release.await(20, java.util.concurrent.TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        final java.util.concurrent.CompletableFuture<FileActivity> interval =
                java.util.concurrent.CompletableFuture.supplyAsync(w::closeInterval);
        assertTrue(inWalk.await(10, java.util.concurrent.TimeUnit.SECONDS), "the scan started");
        w.cancel(); // what the monitor's close does first, without the lock the running interval holds
        release.countDown();
        final FileActivity a = interval.get(10, java.util.concurrent.TimeUnit.SECONDS);
        w.close();
        assertFalse(heldTooLong.get());
        assertFalse(a.getComplete(), "an interval cut short may miss changes");
        assertEquals(1, a.getJournalSequence());
        assertTrue(a.getDeletedPaths().isEmpty(), "what the cut walk did not reach is not reported deleted");
    }

    @Test
    void shouldStartANewEpochOnEveryStart() throws Exception {
        final String first;
        try (DatasetWatcher w = start("watch", 10)) {
            first = w.epoch();
            assertEquals(1, w.closeInterval().getJournalSequence());
        }
        try (DatasetWatcher w = start("watch", 10)) {
            assertNotEquals(first, w.epoch());
            assertEquals(1, w.closeInterval().getJournalSequence());
        }
    }

    @Test
    void shouldNameTheSysctlWhenWatchesRunOutAndWatchAgainOnceTheyAreAvailable() throws Exception {
        for (final String d : List.of("a", "a/b", "c")) {
            Files.createDirectories(root.resolve(d));
        }
        final boolean[] limit = {true};
        final int[] refused = {0};
        final DatasetWatcher.Registrar registrar = (dir, ws) -> {
            if (limit[0]) {
                refused[0]++;
                throw new IOException("User limit of inotify watches reached"); // the JDK's words for ENOSPC
            }
            return DatasetWatcher.Registrar.JDK.register(dir, ws);
        };
        final ch.qos.logback.classic.Logger log = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory
                .getLogger(DatasetWatcher.class);
        final ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> seen =
                new ch.qos.logback.core.read.ListAppender<>();
        seen.start();
        log.addAppender(seen);
        // retried 1 ms after a failure: each interval below comes later than that (no wall-clock assertion)
        try (DatasetWatcher w = DatasetWatcher.start("ds", root, DatasetWatcher.Options.of("watch", 0, 1000, 1 << 20,
                8192).withWatchRetryMillis(1), Clock.systemUTC(), registrar)) {
            assertEquals(DatasetWatcher.Mode.SCAN, w.mode());
            final List<String> warned = seen.list.stream()
                    .filter(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN)
                    .map(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage).toList();
            assertEquals(1, warned.size(), warned.toString());
            final String w0 = warned.get(0);
            assertTrue(w0.contains("(User limit of inotify watches reached); switching to scan mode, interval marked "
                    + "incomplete"), w0);
            assertTrue(w0.contains("fs.inotify.max_user_watches") && w0.contains("about 4 directories")
                    && w0.contains("tried again"), w0);
            Thread.sleep(2);
            assertFalse(w.closeInterval().getComplete(), "the interval the failure happened in");

            for (int i = 0; i < 3; i++) { // still at the limit: each interval tries again and scans, said once
                Thread.sleep(2);
                Files.writeString(root.resolve("a/b/f" + i), "x");
                final FileActivity scanned = w.closeInterval();
                assertEquals(List.of("a/b/f" + i), scanned.getChangedPaths());
                assertTrue(scanned.getComplete(), "a failed retry still compares the whole tree");
                assertEquals(DatasetWatcher.Mode.SCAN, w.mode());
            }
            assertEquals(5, refused[0], "at start, then tried again at every interval");
            assertEquals(1, seen.list.stream().filter(e -> e.getFormattedMessage().contains("still cannot watch"))
                    .count(), seen.list.toString());

            limit[0] = false; // the sysctl was raised
            Thread.sleep(2);
            Files.writeString(root.resolve("c/g"), "y");
            final FileActivity retried = w.closeInterval();
            assertEquals(DatasetWatcher.Mode.WATCH, w.mode());
            assertEquals(List.of("c/g"), retried.getChangedPaths());
            assertTrue(retried.getComplete());
            assertTrue(seen.list.stream().anyMatch(e -> e.getFormattedMessage().contains("watching again")));

            Files.writeString(root.resolve("a/b/h"), "z"); // found by a notification now, not by a scan
            final FileActivity watched = closeSettled(w);
            assertEquals(List.of("a/b/h"), watched.getChangedPaths());
            assertTrue(watched.getComplete());
            assertEquals(5, refused[0]);
        } finally {
            log.detachAppender(seen);
        }
    }
}
