package dev.vigil.collector.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vigil.schemas.FileActivity;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Trees that hosts have and development machines rarely do, made by real processes where Java cannot make them. */
class UnusualTreeWatcherTest {
    @TempDir
    Path root;

    private DatasetWatcher start(final String mode) throws IOException {
        return DatasetWatcher.start("ds", root, DatasetWatcher.Options.of(mode, 0, 1000, 1 << 20, 8192),
                Clock.systemUTC());
    }

    /** Runs a shell script in the dataset: names that are not UTF-8 cannot be written from Java. */
    private void sh(final String script) throws Exception {
        final Process p = new ProcessBuilder("sh", "-c", script).directory(root.toFile()).inheritIO().start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), script);
        assertEquals(0, p.exitValue(), script);
    }

    /** Closes intervals until notifications stop coming (bounded); all of them merged into one. */
    private static FileActivity settle(final DatasetWatcher w) throws InterruptedException {
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

    @ParameterizedTest
    @ValueSource(strings = {"watch", "scan"})
    void shouldSeeChangesUnderADirectoryWhoseNameIsNotUtf8(final String mode) throws Exception {
        // Latin-1 'é' (0xE9), as an old Samba share or a tar made under another locale leaves it
        sh("mkdir \"$(printf 'caf\\351')\" && echo one > \"$(printf 'caf\\351')/menu.txt\"");
        try (DatasetWatcher w = start(mode)) {
            sh("echo two >> \"$(printf 'caf\\351')/menu.txt\" && echo new > \"$(printf 'caf\\351')/new.txt\"");
            final FileActivity a = settle(w);
            // The JVM decodes the byte as U+FFFD: the worker takes such a journal path as unknown and walks the tree
            assertEquals(List.of("caf\uFFFD/menu.txt", "caf\uFFFD/new.txt"), a.getChangedPaths(), a.toString());
            assertEquals(1, a.getCreated(), a.toString());
            assertEquals(1, a.getModified(), a.toString());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"watch", "scan"})
    void shouldCloseItsIntervalWhenANamedPipeOrALinkToOneAppears(final String mode) throws Exception {
        final DatasetWatcher w = start(mode);
        final FileActivity a;
        try {
            sh("mkfifo pipe && ln -s pipe link-to-pipe && echo data > file.txt");
            a = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> settle(w),
                    "the interval waited for a writer of the pipe");
        } finally {
            // A reader waiting in the watcher (without the fix) goes on, and so does any later one, while a writer
            // holds the pipe open; opened for reading too, this one does not wait for a reader.
            try (FileChannel writer = FileChannel.open(root.resolve("pipe"), StandardOpenOption.READ,
                    StandardOpenOption.WRITE)) {
                w.close();
            }
        }
        assertEquals(List.of("file.txt", "link-to-pipe", "pipe"), a.getChangedPaths(), a.toString());
        assertEquals(5, a.getEntropySampledBytes(), "the file's bytes sampled, nothing of the pipe: " + a);
    }

    @ParameterizedTest
    @ValueSource(strings = {"watch", "scan"})
    void shouldReportEveryNameOfAHardLinkedFileWrittenThroughOne(final String mode) throws Exception {
        sh("mkdir a b && echo one > a/f && ln a/f b/g");
        try (DatasetWatcher w = start(mode)) {
            sh("echo two >> a/f"); // inotify tells a/'s watch only
            final FileActivity a = settle(w);
            assertEquals(List.of("a/f", "b/g"), a.getChangedPaths(), a.toString());
            assertTrue(a.getComplete(), a.toString());
        }
    }

    @Test
    void shouldFollowADatasetLinkSwappedToAnotherTree() throws Exception {
        // A deployment's current -> releases/N, swapped atomically as Capistrano and its kind do
        sh("mkdir r1 r2 && echo one > r1/app.conf && echo one > r1/old.txt && echo two > r2/app.conf"
                + " && echo two > r2/new.txt && ln -s r1 current");
        try (DatasetWatcher w = DatasetWatcher.start("ds", root.resolve("current"),
                DatasetWatcher.Options.of("watch", 0, 1000, 1 << 20, 8192), Clock.systemUTC())) {
            sh("ln -s r2 next && mv -T next current");
            final FileActivity swap = settle(w);
            assertEquals(List.of("app.conf", "new.txt"), swap.getChangedPaths(), swap.toString());
            assertEquals(List.of("old.txt"), swap.getDeletedPaths(), swap.toString());
            sh("echo later > r2/later.txt && echo stale >> r1/app.conf");
            final FileActivity after = settle(w);
            assertEquals(List.of("later.txt"), after.getChangedPaths(), "the new tree is watched, not the old");
            assertTrue(after.getComplete(), after.toString());
        }
    }

    @Test
    void shouldDropTheWatchesOfADirectoryMovedOutOfTheDataset() throws Exception {
        final Path ds = root.resolve("ds");
        sh("mkdir -p ds/spool outside && echo a > ds/spool/x && for i in $(seq 1 20); do mkdir ds/spool/d$i; done");
        try (DatasetWatcher w = DatasetWatcher.start("ds", ds, DatasetWatcher.Options.of("watch", 0, 1000, 1 << 20,
                8192), Clock.systemUTC())) {
            final long before = inotifyWatches();
            // A spool directory rotated out of the dataset, kept elsewhere, and a new one made in its place
            sh("mv ds/spool outside/spool.1 && mkdir ds/spool && echo b > ds/spool/x");
            final FileActivity rotated = settle(w);
            assertEquals(List.of("spool/x"), rotated.getChangedPaths(), rotated.toString());
            assertEquals(before - 20, inotifyWatches(), "the 21 directories moved out are no longer watched");
            sh("echo more >> outside/spool.1/x && echo new > outside/spool.1/y");
            final FileActivity outside = settle(w);
            assertEquals(List.of(), outside.getChangedPaths(), "writes outside the dataset are not its changes");
        }
    }

    @Test
    void shouldNotTakeADirectoryRenamedDuringTheVerificationScanForAMissedChange() throws Exception {
        sh("mkdir -p a/b && echo f > a/b/f");
        try (DatasetWatcher w = DatasetWatcher.start("ds", root, DatasetWatcher.Options.of("auto", 1, 1000, 1 << 20,
                8192), Clock.systemUTC())) {
            assumeTrue(w.mode() == DatasetWatcher.Mode.WATCH, "a filesystem auto mode watches");
            final AtomicInteger listed = new AtomicInteger();
            w.beforeDirectory(() -> {
                if (listed.incrementAndGet() == 2) { // the root is listed, 'a' is next: a busy host renames it now
                    try {
                        Files.move(root.resolve("a"), root.resolve("z"));
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
            });
            final FileActivity during = w.closeInterval(); // its verification scan walks the tree
            w.beforeDirectory(() -> { });
            final FileActivity next = settle(w);
            assertEquals(DatasetWatcher.Mode.WATCH, w.mode(), "the notifications missed nothing: " + during);
            assertTrue(during.getComplete() && next.getComplete(), during + " " + next);
            assertTrue(during.getDeletedPaths().contains("a/b/f") && next.getChangedPaths().contains("z/b/f"),
                    during + " " + next);
        }
    }

    /** @return the inotify watches this JVM holds, as the kernel counts them */
    private static long inotifyWatches() throws IOException {
        long n = 0;
        try (var fds = Files.list(Path.of("/proc/self/fdinfo"))) {
            for (final Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    n += Files.readAllLines(fd).stream().filter(l -> l.startsWith("inotify wd:")).count();
                } catch (IOException e) {
                    // closed since it was listed
                }
            }
        }
        return n;
    }

    @Test
    void shouldKeepWatchingAndSayItOnceWhenADirectoryCannotBeRead() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")) && Files.isExecutable(Path.of("/usr/bin/setpriv")),
                "needs root (to make a directory of another user) and setpriv");
        sh("mkdir private open && echo a > private/a && chown nobody private && chmod 700 private");
        // The watcher runs without root's capabilities: a colleague's private directory is then unreadable to it.
        final Process child = new ProcessBuilder("setpriv", "--bounding-set", "-all", "--inh-caps", "-all",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx64m", "-cp",
                System.getProperty("java.class.path"), WatcherProbe.class.getName(), root.toString(), "watch")
                .redirectErrorStream(true).start();
        final List<String> logs = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8)); Writer in = child.outputWriter()) {
            assertEquals("STARTED", next(out, logs));
            sh("echo b > open/b");
            assertEquals("INTERVAL WATCH false [open/b] []", interval(in, out, logs, ""),
                    "a change elsewhere is seen; incomplete while a directory cannot be read: " + logs);
            assertEquals("INTERVAL WATCH false [] []", interval(in, out, logs, ""), logs.toString());
            sh("chmod 755 private");
            assertEquals("INTERVAL WATCH true [private/a] []", interval(in, out, logs, ""), logs.toString());
            sh("echo c > private/c");
            assertEquals("INTERVAL WATCH true [private/c] []", interval(in, out, logs, ""), "watched once readable");
        } finally {
            child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        assertEquals(1, logs.stream().filter(l -> l.contains("cannot read")).count(), logs.toString());
    }

    @Test
    void shouldSeeAFilesystemMountedAndUnmountedInsideTheDataset() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")) && Files.isExecutable(Path.of("/usr/bin/unshare")),
                "needs root and unshare");
        sh("mkdir sub && echo under > sub/under.txt");
        // In a mount namespace of the probe's own: nothing else on the machine sees the mount
        final Process child = new ProcessBuilder("unshare", "-m", "--propagation", "private",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx64m", "-cp",
                System.getProperty("java.class.path"), WatcherProbe.class.getName(), root.toString(), "watch")
                .redirectErrorStream(true).start();
        final List<String> logs = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8)); Writer in = child.outputWriter()) {
            assertEquals("STARTED", next(out, logs));
            // A disk, a tmpfs, an NFS export mounted on a directory of the dataset: its content replaces the one below
            final String mounted = interval(in, out, logs, "mount -t tmpfs vigil-test sub && echo on > sub/m.txt");
            assumeTrue(mounted.startsWith("INTERVAL"), "cannot mount here: " + logs);
            assertEquals("INTERVAL WATCH true [sub/m.txt] [sub/under.txt]", mounted, logs.toString());
            assertEquals("INTERVAL WATCH true [sub/later.txt] []", interval(in, out, logs, "echo 2 > sub/later.txt"),
                    "the mounted filesystem is watched");
            assertEquals("INTERVAL WATCH true [sub/under.txt] [sub/later.txt, sub/m.txt]",
                    interval(in, out, logs, "umount sub"), logs.toString());
        } finally {
            child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Has the probe run a shell command (none when empty), then close an interval. @return its line */
    private static String interval(final Writer in, final BufferedReader out, final List<String> logs,
                                   final String command) throws IOException {
        in.write(command + "\n");
        in.flush();
        return next(out, logs);
    }

    /** @return the probe's next line that is not a log line; the others go to {@code logs} */
    private static String next(final BufferedReader out, final List<String> logs) throws IOException {
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            if (line.startsWith("STARTED") || line.startsWith("INTERVAL") || line.startsWith("FAILED")) {
                return line;
            }
            logs.add(line);
        }
        throw new AssertionError("the probe ended: " + logs);
    }
}
