package dev.vigil.backup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file of gigabytes planted in (or grown by damage in) a repository's config, snapshots/, locks/, index/ or keys/:
 * each is refused by its size, named with what to do, and the commands go on with the rest (FORMAT.md, Limits).
 * The files are sparse: 3 GiB that take no room, more than an array can hold.
 */
class OversizedFilesTest {
    private static final String PLANTED = "0".repeat(64);
    @TempDir
    Path dir;
    private String pw;
    private String repo;

    /** @return what the command returned and printed, run on this test's repository */
    private RepoCli.Result run(final String... args) {
        return RepoCli.run(java.util.stream.Stream.concat(java.util.Arrays.stream(args),
                java.util.stream.Stream.of("--repo", repo, "--password-file", pw)).toArray(String[]::new));
    }

    /** A repository with one backup. */
    private void repoWithABackup() throws Exception {
        pw = Files.writeString(dir.resolve("pw"), "secret\n").toString();
        repo = dir.resolve("repo").toString();
        final Path src = Files.createDirectories(dir.resolve("src"));
        Files.writeString(src.resolve("a.txt"), "hello");
        assertEquals(0, run("init", "--kdf-n", "1024").code());
        assertEquals(0, run("backup", src.toString()).code());
    }

    private Path plant(final String where) throws Exception {
        final Path f = Path.of(repo).resolve(where);
        Files.createDirectories(f.getParent());
        try (RandomAccessFile huge = new RandomAccessFile(f.toFile(), "rw")) {
            huge.setLength(3L << 30);
        }
        return f;
    }

    @Test
    void shouldListTheOtherSnapshotsAndNameAHugeSnapshotFileWhichCheckReportsWithExitCode1() throws Exception {
        repoWithABackup();
        plant("snapshots/" + PLANTED);

        final RepoCli.Result listed = run("snapshots");
        assertEquals(0, listed.code(), listed.err());
        assertTrue(listed.out().contains("1 snapshots"), listed.out());
        assertTrue(listed.err().contains("snapshot 00000000: 3221225472 bytes, larger than any snapshot file"),
                listed.err());
        assertTrue(listed.err().contains("'vigil repo forget ID' removes it"), listed.err());

        final RepoCli.Result checked = run("check");
        assertEquals(ExitCodes.FAILED, checked.code(), checked.out() + checked.err());
        assertTrue(checked.out().contains("error: snapshot 00000000: 3221225472 bytes"), checked.out());

        assertEquals(0, run("forget", PLANTED.substring(0, 8)).code());
        assertEquals(0, run("check").code());
    }

    @Test
    void shouldTakeAHugeLockFileForDamagedAndRemoveItAsStale() throws Exception {
        repoWithABackup();
        final Path lock = plant("locks/" + PLANTED);

        final RepoCli.Result checked = run("check");

        assertEquals(0, checked.code(), checked.out() + checked.err());
        assertFalse(Files.exists(lock), "a lock file no lock can be is removed like any damaged one");
    }

    @Test
    void shouldIgnoreAHugeIndexFileWhichCheckReportsAndRepairIndexReplaces() throws Exception {
        repoWithABackup();
        plant("index/" + PLANTED);

        assertEquals(0, run("snapshots").code());
        final RepoCli.Result checked = run("check");
        assertEquals(ExitCodes.FAILED, checked.code(), checked.out() + checked.err());
        assertTrue(checked.out().contains("error: index 00000000: 3221225472 bytes, larger than any index file"),
                checked.out());
        assertTrue(checked.out().contains("'vigil repo repair index'"), checked.out());

        assertEquals(0, run("repair", "index").code());
        assertEquals(0, run("check").code());
    }

    @Test
    void shouldRefuseAHugeConfigNamingItAndListAHugeKeyFileAsDamaged() throws Exception {
        repoWithABackup();
        final Path config = Path.of(repo).resolve("config");
        final byte[] saved = Files.readAllBytes(config);
        plant("config");

        final RepoCli.Result refused = run("snapshots");
        assertEquals(ExitCodes.FAILED, refused.code(), refused.err());
        assertTrue(refused.err().contains("config: 3221225472 bytes, larger than any config file"), refused.err());
        assertTrue(refused.err().contains("the config file of any copy of this repository"), refused.err());

        Files.write(config, saved);
        plant("keys/" + PLANTED);
        final RepoCli.Result keys = run("key", "list");
        assertEquals(0, keys.code(), keys.err());
        assertTrue(keys.out().contains("00000000  damaged: key 00000000: 3221225472 bytes"), keys.out());
    }

    @Test
    void shouldCheckAndRepairAPackGrownToGigabytesByItsBlobsWithoutReadingItWhole() throws Exception {
        repoWithABackup();
        final Path pack;
        try (java.util.stream.Stream<Path> packs = Files.walk(Path.of(repo, "data"))) {
            pack = packs.filter(Files::isRegularFile).findFirst().orElseThrow();
        }
        try (RandomAccessFile grown = new RandomAccessFile(pack.toFile(), "rw")) {
            grown.setLength(3L << 30); // zeros appended: its header is lost, its blobs are where they were
        }
        final String name = "pack " + pack.getFileName().toString().substring(0, 8);

        final RepoCli.Result checked = run("check");
        assertEquals(ExitCodes.FAILED, checked.code(), checked.out() + checked.err());
        assertTrue(checked.out().contains("error: " + name + ": header unreadable"), checked.out());
        assertFalse(checked.out().contains("cannot be restored"), "its blobs authenticate: " + checked.out());
        final RepoCli.Result read = run("check", "--read-data");
        assertEquals(ExitCodes.FAILED, read.code(), read.out() + read.err());
        assertTrue(read.out().contains("error: " + name + ": 3221225472 bytes, larger than any pack file"), read.out());

        final RepoCli.Result repaired = run("repair", "index");
        assertTrue(repaired.out().contains("1 of the 1 blobs the old index placed there authenticate and stay indexed"),
                repaired.out() + repaired.err());
        assertEquals(0, run("restore", "latest", "--target", dir.resolve("out").toString()).code());
        assertEquals("hello", Files.readString(dir.resolve("out").resolve("a.txt")));
    }
}
