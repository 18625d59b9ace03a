package dev.vigil.backup.restorer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.backup.TestRepos;
import dev.vigil.backup.archiver.ArchiveOptions;
import dev.vigil.backup.archiver.Archiver;
import dev.vigil.backup.archiver.Level;
import dev.vigil.backup.repository.Repository;
import dev.vigil.backup.snapshot.Snapshot;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A restore after damage (a flipped bit in a data pack) restores every file whose data authenticates, names each one
 * it cannot restore, and leaves nothing of those in the target: not a file of the right size with a hole of zeros.
 */
class RestoreDamageTest {
    @TempDir
    Path tmp;

    @Test
    void shouldRestoreEveryOtherFileAndLeaveNothingOfTheDamagedOnes() throws Exception {
        final Path src = Files.createDirectories(tmp.resolve("src"));
        final Random random = new Random(3);
        for (int i = 0; i < 12; i++) {
            final byte[] b = new byte[(i + 1) * 150_000]; // a few chunks each, so one bit damages some files only
            random.nextBytes(b);
            Files.write(src.resolve("f" + i), b);
        }
        try (Repository repo = TestRepos.create(tmp.resolve("repo"))) {
            final Snapshot s = new Archiver(repo, Clock.systemUTC()).backup(src, ArchiveOptions.of("ds", Level.FULL),
                    null).snapshot();
            final Path pack;
            try (Stream<Path> files = Files.walk(tmp.resolve("repo/data"))) {
                pack = files.filter(Files::isRegularFile).max(Comparator.comparingLong(p -> p.toFile().length()))
                        .orElseThrow();
            }
            try (RandomAccessFile raf = new RandomAccessFile(pack.toFile(), "rw")) {
                raf.seek(100); // inside the pack's first blob
                final int b = raf.read();
                raf.seek(100);
                raf.write(b ^ 0x10);
            }

            final Path out = tmp.resolve("out");
            final Restorer.Result result = new Restorer(repo).restore(s, out, RestoreOptions.defaults(), null);

            assertEquals(1, result.unrestored().size(), result.unrestored().toString());
            assertTrue(result.unrestored().get(0).contains("does not authenticate"), result.unrestored().toString());
            final List<String> names;
            try (Stream<Path> files = Files.list(src)) {
                names = files.map(p -> p.getFileName().toString()).sorted().toList();
            }
            int restored = 0;
            for (final String name : names) {
                if (result.unrestored().get(0).startsWith(out.resolve(name) + ": ")) {
                    assertFalse(Files.exists(out.resolve(name)), name + ": nothing half-written stays");
                } else {
                    assertArrayEquals(Files.readAllBytes(src.resolve(name)), Files.readAllBytes(out.resolve(name)),
                            name);
                    restored++;
                }
            }
            assertEquals(names.size() - 1, restored);
            assertEquals(restored, result.files());
        }
    }

    @Test
    void shouldRestoreTheRestWhenADirectorysListingIsLostAndNameThatDirectory() throws Exception {
        final Path src = Files.createDirectories(tmp.resolve("src"));
        Files.createDirectories(src.resolve("a"));
        Files.writeString(src.resolve("a/f"), "A");
        Files.writeString(src.resolve("to\np"), "top"); // a newline in a name would split the report's line
        final Snapshot s;
        try (Repository repo = TestRepos.create(tmp.resolve("repo"))) {
            final Archiver archiver = new Archiver(repo, Clock.systemUTC());
            archiver.backup(src, ArchiveOptions.of("ds", Level.FULL), null);
            final List<Path> firstPacks;
            try (Stream<Path> files = Files.walk(tmp.resolve("repo/data"))) {
                firstPacks = files.filter(Files::isRegularFile).toList();
            }
            Files.createDirectories(src.resolve("c"));
            Files.writeString(src.resolve("c/f"), "C, only in the second backup");
            s = archiver.backup(src, ArchiveOptions.of("ds", Level.INCREMENTAL), null).snapshot();
            for (final Path pack : firstPacks) {
                Files.delete(pack); // a's listing, a/f and to\np are in these; the root's and c's listings are not
            }
        }
        try (Repository repo = TestRepos.open(tmp.resolve("repo"))) {
            final Path out = tmp.resolve("out");
            final Restorer.Result result = new Restorer(repo).restore(s, out, RestoreOptions.defaults(), null);

            assertEquals("C, only in the second backup", Files.readString(out.resolve("c/f")));
            assertTrue(result.unrestored().stream().anyMatch(u -> u.startsWith("/a/: what it held is not restored")),
                    result.unrestored().toString());
            assertTrue(result.unrestored().stream().anyMatch(u -> u.startsWith(out.resolve("to\\x0Ap") + ": ")),
                    result.unrestored().toString());
            assertFalse(Files.exists(out.resolve("a/f")));
        }
    }
}
