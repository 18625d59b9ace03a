package dev.vigil.backup.archiver;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vigil.backup.TestRepos;
import dev.vigil.backup.pack.BlobId;
import dev.vigil.backup.repository.Repository;
import dev.vigil.backup.snapshot.Node;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A directory removed between the walk's stat and its listing is gone, as a removed file is. */
class VanishedDirectoryTest {
    @TempDir
    Path tmp;

    @Test
    void shouldLeaveOutWithoutAWarningADirectoryRemovedAfterItsStat() throws Exception {
        final Path src = Files.createDirectories(tmp.resolve("src"));
        Files.writeString(Files.createDirectories(src.resolve("gone/deeper")).resolve("f"), "f");
        final ThreadPoolExecutor pool = new ThreadPoolExecutor(2, 2, 1, TimeUnit.SECONDS, new ArrayBlockingQueue<>(4),
                new ThreadPoolExecutor.CallerRunsPolicy());
        // The walk stat()s gone/ and hands its listing to the pool: the first task the pool is given is that one,
        // and the directory is removed (rm -r) just before it runs.
        final AtomicBoolean removed = new AtomicBoolean();
        final Executor removing = task -> {
            if (removed.compareAndSet(false, true)) {
                try (Stream<Path> s = Files.walk(src.resolve("gone"))) {
                    for (final Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(p);
                    }
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
            pool.execute(task);
        };
        try (Repository repo = TestRepos.create(tmp.resolve("repo"))) {
            final TreeWalk walk = new TreeWalk(repo, new FileSaver(repo, repo.config().newChunker(), pool,
                    new BackupProgress(0), src.toRealPath()), removing, new BackupProgress(0), null,
                    Excludes.NONE.forRoot(src));
            final BlobId tree = walk.root(src, null).join();
            repo.flush();
            assertEquals(true, removed.get());
            assertEquals(List.of(), Archiver.loadTree(repo, tree).stream().map(Node::name).toList(),
                    "the removed directory is not in the snapshot");
            assertEquals(List.of(), walk.warnings());
        } finally {
            pool.shutdownNow();
        }
    }
}
