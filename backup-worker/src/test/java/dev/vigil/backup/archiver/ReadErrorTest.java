package dev.vigil.backup.archiver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vigil.backup.TestRepos;
import dev.vigil.backup.TestShell;
import dev.vigil.backup.repository.Repository;
import dev.vigil.backup.restorer.RestoreOptions;
import dev.vigil.backup.restorer.Restorer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file whose reads fail once it is open (a bad sector's EIO; here EINVAL, from a sysfs attribute bind-mounted
 * over the file, which needs root) costs that file, not the backup: the snapshot is saved with the parent's
 * version of the file and a warning that names it.
 */
class ReadErrorTest {
    private static final Path FAILS_ON_READ = Path.of("/sys/class/net/lo/speed");

    @TempDir
    Path tmp;

    @Test
    void shouldKeepTheParentsVersionOfAFileWhoseReadsFailAndSaveTheRest() throws Exception {
        assumeTrue(Files.exists(FAILS_ON_READ), "no sysfs");
        final Path src = Files.createDirectories(tmp.resolve("src"));
        final Path bad = Files.writeString(src.resolve("bad"), "the version of yesterday\n");
        Files.writeString(src.resolve("good"), "v1\n");
        try (Repository repo = TestRepos.create(tmp.resolve("repo"))) {
            final Archiver archiver = new Archiver(repo, Clock.systemUTC());
            archiver.backup(src, ArchiveOptions.of("ds", Level.FULL), null);
            Files.writeString(src.resolve("good"), "v2, changed\n");
            assumeTrue(TestShell.succeeds("mount --bind " + FAILS_ON_READ + " " + bad), "mount --bind (root)");
            final Archiver.Result second;
            try {
                second = archiver.backup(src, ArchiveOptions.of("ds", Level.INCREMENTAL), null);
            } finally {
                assertTrue(TestShell.succeeds("umount " + bad), "umount " + bad);
            }
            assertEquals(1, second.warnings().size(), second.warnings().toString());
            final String warning = second.warnings().get(0);
            assertTrue(warning.startsWith(bad + ": cannot read: ") && warning.endsWith("kept the parent's version"),
                    warning);
            final Path out = tmp.resolve("out");
            new Restorer(repo).restore(second.snapshot(), out, RestoreOptions.defaults(), null);
            assertEquals("the version of yesterday\n", Files.readString(out.resolve("bad")));
            assertEquals("v2, changed\n", Files.readString(out.resolve("good")), "the rest is backed up");
        }
    }
}
