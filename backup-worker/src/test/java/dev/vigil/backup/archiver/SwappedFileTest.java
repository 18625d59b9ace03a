package dev.vigil.backup.archiver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.backup.TestRepos;
import dev.vigil.backup.fs.NativeFs;
import dev.vigil.backup.fs.OpenDirectory;
import dev.vigil.backup.repository.Repository;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file replaced by something else between the walk's stat and the saver's open (a user racing a backup run as
 * root): the saver must neither follow a link out of the dataset nor wait on a FIFO for a writer.
 */
class SwappedFileTest {
    @TempDir
    Path tmp;

    private ThreadPoolExecutor pool() {
        return new ThreadPoolExecutor(2, 2, 1, TimeUnit.SECONDS, new ArrayBlockingQueue<>(4),
                new ThreadPoolExecutor.CallerRunsPolicy());
    }

    @Test
    void shouldNotReadThroughALinkPutInAFilesPlace() throws Exception {
        final Path secret = Files.writeString(tmp.resolve("secret"), "outside the dataset");
        final Path file = Files.writeString(Files.createDirectories(tmp.resolve("src")).resolve("file"), "mine");
        final FileStat seen = FileStat.of(file);
        Files.delete(file);
        Files.createSymbolicLink(file, secret);
        final ThreadPoolExecutor pool = pool();
        try (Repository repo = TestRepos.create(tmp.resolve("repo"))) {
            final FileSaver saver = new FileSaver(repo, repo.config().newChunker(), pool, new BackupProgress(0), null);
            final IOException e = assertThrows(IOException.class, () -> saver.save(file, seen, null).join());
            assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
            assertEquals(0, repo.bytesWritten(), "nothing of the link's target is stored");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void shouldNotReadThroughALinkPutInAFilesPlaceWhenOpenedThroughItsDirectory() throws Exception {
        final Path secret = Files.writeString(tmp.resolve("secret"), "outside the dataset");
        final Path src = Files.createDirectories(tmp.resolve("src"));
        final Path file = Files.writeString(src.resolve("file"), "mine");
        final FileStat seen = FileStat.of(file);
        Files.delete(file);
        Files.createSymbolicLink(file, secret);
        final ThreadPoolExecutor pool = pool();
        try (Repository repo = TestRepos.create(tmp.resolve("repo")); OpenDirectory dir = OpenDirectory.open(src)) {
            final FileSaver saver = new FileSaver(repo, repo.config().newChunker(), pool, new BackupProgress(0),
                    src.toRealPath());
            final IOException e = assertThrows(IOException.class, () -> saver.save(file, dir, "file", seen, null)
                    .join());
            assertTrue(e.getMessage().contains(file + ": replaced by a symbolic link"), e.getMessage());
            assertEquals(0, repo.bytesWritten(), "nothing of the link's target is stored");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void shouldNotWaitForAWriterOnAFifoPutInAFilesPlace() throws Exception {
        final Path file = Files.writeString(Files.createDirectories(tmp.resolve("src")).resolve("file"), "mine");
        final FileStat seen = FileStat.of(file);
        Files.delete(file);
        NativeFs.mkfifo(file, 0600);
        final ThreadPoolExecutor pool = pool();
        try (Repository repo = TestRepos.create(tmp.resolve("repo"))) {
            final FileSaver saver = new FileSaver(repo, repo.config().newChunker(), pool, new BackupProgress(0), null);
            final CompletableFuture<Object> saved = CompletableFuture.supplyAsync(() -> {
                try {
                    return saver.save(file, seen, null).join();
                } catch (IOException e) {
                    return e;
                }
            });
            Object outcome;
            try {
                outcome = saved.get(60, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                // it waits in open(2) for a writer: be one, so that the thread ends, and fail
                try (OutputStream w = Files.newOutputStream(file)) {
                    w.flush();
                }
                outcome = "still waiting for a writer after 60 s";
            } catch (ExecutionException e) {
                outcome = e.getCause();
            }
            assertTrue(outcome instanceof IOException io && io.getMessage().contains(file.toString()),
                    "the FIFO is named and not read: " + outcome);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void shouldNotReadAFileThroughADirectoryReplacedByALinkAfterItWasListed() throws Exception {
        final Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("file"), "outside the dataset");
        final Path src = Files.createDirectories(tmp.resolve("src"));
        final Path file = Files.writeString(Files.createDirectories(src.resolve("dir")).resolve("file"), "mine");
        final FileStat seen = FileStat.of(file);
        // the walk listed dir and stat()ed dir/file; then dir becomes a link to a directory with a file of that name
        Files.delete(file);
        Files.delete(src.resolve("dir"));
        Files.createSymbolicLink(src.resolve("dir"), outside);
        final ThreadPoolExecutor pool = pool();
        try (Repository repo = TestRepos.create(tmp.resolve("repo"))) {
            final FileSaver saver = new FileSaver(repo, repo.config().newChunker(), pool, new BackupProgress(0),
                    src.toRealPath());
            final IOException e = assertThrows(IOException.class, () -> saver.save(file, seen, null).join());
            assertTrue(e.getMessage().contains(file + ": leads out of the dataset"), e.getMessage());
            assertEquals(0, repo.bytesWritten(), "nothing from outside the dataset is stored");
        } finally {
            pool.shutdownNow();
        }
    }
}
