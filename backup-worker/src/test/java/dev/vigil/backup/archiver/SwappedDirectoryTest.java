package dev.vigil.backup.archiver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.backup.TestRepos;
import dev.vigil.backup.fs.OpenDirectory;
import dev.vigil.backup.pack.BlobId;
import dev.vigil.backup.repository.Repository;
import dev.vigil.backup.snapshot.Node;
import dev.vigil.backup.snapshot.NodeType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A directory replaced between its parent's listing and its own (a user who owns the parent racing a backup run as
 * root): the walk must not enter what is there now, nor record any name or metadata from it.
 */
class SwappedDirectoryTest {
    @TempDir
    Path tmp;

    private ThreadPoolExecutor pool() {
        return new ThreadPoolExecutor(2, 2, 1, TimeUnit.SECONDS, new ArrayBlockingQueue<>(4),
                new ThreadPoolExecutor.CallerRunsPolicy());
    }

    /** Runs the swap once, when the walk hands its first task to the pool: the listing of src/dir, stat'ed already. */
    private static Executor swappingFirst(final Executor pool, final IoAction swap) {
        final AtomicBoolean done = new AtomicBoolean();
        return task -> {
            if (done.compareAndSet(false, true)) {
                try {
                    swap.run();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            pool.execute(task);
        };
    }

    @FunctionalInterface
    private interface IoAction {
        void run() throws IOException;
    }

    private record Walked(List<String> names, List<String> warnings) {
    }

    private Walked walk(final Path src, final Executor executor, final ThreadPoolExecutor pool) throws Exception {
        try (Repository repo = TestRepos.create(tmp.resolve("repo"))) {
            final TreeWalk walk = new TreeWalk(repo, new FileSaver(repo, repo.config().newChunker(), pool,
                    new BackupProgress(0), src.toRealPath()), executor, new BackupProgress(0), null,
                    Excludes.NONE.forRoot(src));
            final BlobId tree = walk.root(src, null).join();
            repo.flush();
            final List<String> names = new ArrayList<>();
            names(repo, tree, "", names);
            return new Walked(names, walk.warnings());
        } finally {
            pool.shutdownNow();
        }
    }

    /** Every path of the snapshot's tree, as {@code vigil repo ls} lists them. */
    private static void names(final Repository repo, final BlobId tree, final String prefix, final List<String> out) {
        for (final Node n : Archiver.loadTree(repo, tree)) {
            out.add(prefix + n.name());
            if (n.type() == NodeType.DIR) {
                names(repo, n.subtree(), prefix + n.name() + "/", out);
            }
        }
    }

    private Path outside() throws IOException {
        final Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("shadow"), "root:x:0:0");
        Files.writeString(Files.createDirectories(outside.resolve("ssh")).resolve("id_ed25519"), "key");
        return outside;
    }

    /** What put in place of src/dir (moved away once src was listed) gets, given the outside directory. */
    private interface Swap {
        void into(Path outside) throws IOException;
    }

    /**
     * Walks src, holding src/dir (with a file "mine"), and swaps src/dir for what {@code swap} puts there once src is
     * listed and before src/dir is entered.
     */
    private Walked walkSwappingDir(final Swap swap) throws Exception {
        Assumptions.assumeTrue(OpenDirectory.byDescriptor(), "walks by descriptor on Linux with procfs only");
        final Path outside = outside();
        final Path src = Files.createDirectories(tmp.resolve("src"));
        final Path dir = Files.createDirectories(src.resolve("dir"));
        Files.writeString(dir.resolve("mine"), "mine");
        final ThreadPoolExecutor pool = pool();
        return walk(src, swappingFirst(pool, () -> {
            Files.move(dir, tmp.resolve("moved"));
            swap.into(outside);
        }), pool);
    }

    @Test
    void shouldNotEnterADirectoryReplacedByALinkAfterItsParentWasListed() throws Exception {
        final Path dir = tmp.resolve("src").resolve("dir");
        final Walked w = walkSwappingDir(outside -> Files.createSymbolicLink(dir, outside));
        assertEquals(List.of("dir"), w.names(), "nothing from outside the dataset is recorded");
        assertEquals(1, w.warnings().size(), w.warnings().toString());
        assertTrue(w.warnings().get(0).startsWith(dir + ": replaced during the backup (now a symbolic link or a file); "
                + "not entered"), w.warnings().toString());
    }

    @Test
    void shouldNotEnterADirectoryReplacedByAnotherDirectoryAfterItsParentWasListed() throws Exception {
        final Path dir = tmp.resolve("src").resolve("dir");
        final Walked w = walkSwappingDir(outside -> Files.move(outside, dir));
        assertEquals(List.of("dir"), w.names(), "nothing of the directory moved in is recorded under the old stat");
        assertTrue(w.warnings().size() == 1 && w.warnings().get(0).startsWith(dir + ": replaced during the backup "
                + "(another directory now); not entered"), w.warnings().toString());
    }

    @Test
    void shouldHoldOpenDirectoriesByDepthNotWidthAndCloseThemAll() throws Exception {
        Assumptions.assumeTrue(OpenDirectory.byDescriptor(), "walks by descriptor on Linux with procfs only");
        final Path src = Files.createDirectories(tmp.resolve("src"));
        for (int i = 0; i < 200; i++) {
            Files.writeString(Files.createDirectories(src.resolve("d" + i + "/e")).resolve("f"), "f" + i);
        }
        final Path real = src.toRealPath();
        final ThreadPoolExecutor pool = pool();
        final AtomicInteger most = new AtomicInteger();
        // counted each time the walk hands the pool a task: the directories it holds open then
        final Executor counting = task -> {
            most.accumulateAndGet(openDirectoriesIn(real), Math::max);
            pool.execute(task);
        };
        final Walked w = walk(src, counting, pool);
        assertEquals(600, w.names().size());
        assertTrue(most.get() > 0, "directories are held open while walked");
        // the root, the pool's 2 threads and its queue of 4, each a directory and a subdirectory, with room to spare:
        // far below one per directory listed (200)
        assertTrue(most.get() <= 20, "at most " + most.get() + " directories open at once");
        assertEquals(0, openDirectoriesIn(real), "every directory is closed after the walk");
    }

    /** @return the descriptors of this process open on a directory in {@code root} or on it */
    private static int openDirectoriesIn(final Path root) {
        int n = 0;
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (final Path fd : fds.toList()) {
                try {
                    final Path target = Files.readSymbolicLink(fd);
                    if (target.startsWith(root) && Files.isDirectory(fd)) {
                        n++;
                    }
                } catch (IOException e) {
                    // closed while listed
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return n;
    }
}
