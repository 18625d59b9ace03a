package dev.vigil.backup.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vigil.backup.BackupException;
import dev.vigil.backup.TestRepos;
import dev.vigil.backup.TestShell;
import dev.vigil.backup.archiver.ArchiveOptions;
import dev.vigil.backup.archiver.Archiver;
import dev.vigil.backup.archiver.Level;
import dev.vigil.backup.checker.Checker;
import dev.vigil.backup.repository.Repository;
import dev.vigil.backup.snapshot.Snapshot;
import dev.vigil.backup.snapshot.SnapshotStore;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A repository on a file system that backups filled: prune, which writes the data it keeps before it deletes, says how
 * to free room without writing any, and that way frees it.
 */
class PruneFullDiskTest {
    @TempDir
    Path dir;

    @Test
    void shouldSayHowToPruneWithoutRepackingWhenTheFileSystemIsFull() throws Exception {
        final Path small = Files.createDirectories(dir.resolve("small"));
        assumeTrue(TestShell.succeeds("mount -t tmpfs -o size=24m tmpfs " + small), "mount tmpfs (root)");
        try {
            // a and b, each a little under a pack (1 MiB in test repositories): a pack holds chunks of both
            final Path src = Files.createDirectories(dir.resolve("src"));
            final Random random = new Random(1);
            write(src.resolve("a"), random, 1_000_000);
            write(src.resolve("b"), random, 1_000_000);
            final Path repoDir = small.resolve("repo");
            try (Repository repo = TestRepos.create(repoDir)) {
                final Archiver archiver = new Archiver(repo, Clock.systemUTC());
                final Snapshot first = archiver.backup(src, ArchiveOptions.of("ds", Level.FULL), null).snapshot();
                Files.delete(src.resolve("b"));
                archiver.backup(src, ArchiveOptions.of("ds", Level.INCREMENTAL), null);
                new SnapshotStore(repo).remove(first.id());
            }
            fill(small.resolve("filler"));

            try (Repository repo = TestRepos.open(repoDir)) {
                // every pack with b's chunks is repacked: a's chunks there (48 KiB at least) do not fit in 16 KiB
                final BackupException e = assertThrows(BackupException.class, () -> new Pruner(repo).prune(1.0));
                assertTrue(e.getMessage().contains("is full") && e.getMessage().contains("'vigil repo prune --min-used "
                        + "0'"), e.getMessage());
            }
            try (Repository repo = TestRepos.open(repoDir)) { // a failed write breaks the repository object for good
                final Pruner.Result freed = new Pruner(repo).prune(0);
                assertTrue(freed.packsDeleted() > 0, "at least the first snapshot's tree pack: " + freed);
            }
            try (Repository repo = TestRepos.open(repoDir)) {
                final Checker.Report report = new Checker(repo).check(1.0, 1);
                assertTrue(report.ok(), report.errors().toString());
                assertEquals(1, report.snapshots());
            }
        } finally {
            TestShell.succeeds("umount " + small);
        }
    }

    private static void write(final Path file, final Random random, final int size) throws Exception {
        final byte[] b = new byte[size];
        random.nextBytes(b);
        Files.write(file, b);
    }

    /**
     * Writes zeros until the file system is full, then gives back 16 KiB: what a backup that filled it may leave (its
     * last pack, cut short, is removed), room for an index file, not for a pack.
     */
    private static void fill(final Path filler) throws Exception {
        final byte[] block = new byte[64 << 10];
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(block);
            }
        } catch (java.io.IOException full) {
            // No space left on device
        }
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(filler,
                java.nio.file.StandardOpenOption.WRITE)) {
            ch.truncate(ch.size() - (16 << 10));
        }
    }
}
