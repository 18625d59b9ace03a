package dev.vigil.backup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.backup.TestRepos;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A damaged index file, through the command line on a real repository: backups of every level go on without the
 * blobs it names (storing them again) and say so; check still fails and prune still refuses until 'repair index'.
 */
class DamagedIndexCommandTest {
    @TempDir
    Path dir;

    private String[] args(final String... args) {
        final List<String> all = new java.util.ArrayList<>(List.of(args));
        all.addAll(List.of("--repo", dir.resolve("repo").toString(), "--password-file", dir.resolve("pw").toString()));
        return all.toArray(String[]::new);
    }

    private static long files(final Path d) throws Exception {
        try (Stream<Path> s = Files.walk(d)) {
            return s.filter(Files::isRegularFile).count();
        }
    }

    @Test
    void shouldBackUpAtEveryLevelPastADamagedIndexFileWhileCheckFailsAndPruneRefuses() throws Exception {
        final Path src = Files.createDirectories(dir.resolve("src/docs/deep"));
        Files.writeString(dir.resolve("src/docs/a.txt"), "hello");
        final byte[] random = new byte[200 << 10];
        new Random(1).nextBytes(random);
        Files.write(src.resolve("b.bin"), random);
        Files.writeString(dir.resolve("src/c.txt"), "first");
        TestRepos.passwordFile(dir.resolve("pw"), "secret");
        assertEquals(0, RepoCli.run(args("init", "--kdf-n", "1024")).code());
        final String source = dir.resolve("src").toString();
        final RepoCli.Result firstBackup = RepoCli.run(args("backup", "--dataset", "ds", "--json", source));
        assertEquals(0, firstBackup.code(), firstBackup.err());
        final String first = new com.fasterxml.jackson.databind.ObjectMapper().readTree(firstBackup.out()).path("id")
                .asText();
        final Path index;
        try (Stream<Path> s = Files.list(dir.resolve("repo/index"))) {
            index = s.findFirst().orElseThrow();
        }
        final byte[] bytes = Files.readAllBytes(index);
        bytes[bytes.length / 2] ^= 1;
        Files.write(index, bytes);
        Files.writeString(dir.resolve("src/c.txt"), "second");

        for (final String level : List.of("INCREMENTAL", "DIFFERENTIAL", "FULL")) {
            final RepoCli.Result backup = RepoCli.run(args("backup", "--dataset", "ds", "--level", level, source));
            assertEquals(0, backup.code(), level + ": " + backup.err());
            assertTrue(backup.err().contains("warning: index " + index.getFileName().toString().substring(0, 8))
                    && backup.err().contains("run 'vigil repo repair index'"), level + ": " + backup.err());
        }

        final RepoCli.Result check = RepoCli.run(args("check"));
        assertEquals(ExitCodes.FAILED, check.code(), "the damage is still reported: " + check.out());
        final long packs = files(dir.resolve("repo/data"));
        final RepoCli.Result prune = RepoCli.run(args("prune", "--min-used", "0"));
        assertEquals(ExitCodes.FAILED, prune.code(), prune.out());
        assertTrue(prune.err().contains("run 'vigil repo repair index' first"), prune.err());
        assertEquals(packs, files(dir.resolve("repo/data")), "prune deleted nothing");

        // what the new snapshots name is all indexed: they restore while the index file is still damaged
        final RepoCli.Result restore = RepoCli.run(args("restore", "latest", "--target", dir.resolve("out").toString()));
        assertEquals(0, restore.code(), restore.err());
        assertEquals(TestRepos.manifest(dir.resolve("src")), TestRepos.manifest(dir.resolve("out")));
        final RepoCli.Result old = RepoCli.run(args("restore", first, "--target", dir.resolve("old").toString()));
        assertEquals(ExitCodes.FAILED, old.code(), "the first snapshot's trees are named by the damaged file only");
        assertTrue(old.err().contains("'vigil repo repair index'"), old.err());
        assertEquals(0, RepoCli.run(args("repair", "index")).code());
        final RepoCli.Result repaired = RepoCli.run(args("check"));
        assertEquals(0, repaired.code(), repaired.out() + repaired.err());
    }
}
