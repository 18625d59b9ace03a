package dev.vigil.backup.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.Stream;
import picocli.CommandLine;

/**
 * One JVM that runs every common {@code vigil repo} command on a small throw-away tree, so that a
 * JVM started with {@code -XX:ArchiveClassesAtExit=FILE} records in FILE (an AppCDS archive) every
 * class those commands load. Later runs map the archive instead of parsing and verifying those
 * classes again ({@code scripts/vigil-repo} does both). The tree holds a file streamed in chunks,
 * small files, a change journal and an incremental backup, so the archive covers those paths too.
 */
final class ClassArchiveTraining {
    private ClassArchiveTraining() {
    }

    /**
     * @param work an empty scratch directory, removed afterwards
     * @return 0 when every command succeeded, else the first failing command's exit code
     * @throws IOException when the scratch tree cannot be written
     */
    static int run(final Path work) throws IOException {
        final Path src = Files.createDirectories(work.resolve("src/sub"));
        final Random random = new Random(1);
        final byte[] big = new byte[9 << 20];
        random.nextBytes(big);
        Files.write(src.resolve("big.bin"), big);
        Files.writeString(src.resolve("notes.txt"), "line\n".repeat(20_000));
        Files.createDirectories(work.resolve("src/empty"));
        final Path pw = Files.writeString(work.resolve("password"), "training\n");
        final String repo = work.resolve("repo").toString();
        final String source = work.resolve("src").toString();
        final Instant start = Instant.now();
        final PrintStream out = System.out;
        final PrintStream err = System.err;
        final PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8);
        System.setOut(nowhere);
        System.setErr(nowhere);
        try {
            int rc = run("init", "--repo", repo, "--password-file", pw.toString(), "--no-fsync");
            rc = rc != 0 ? rc : run("backup", "--repo", repo, "--password-file", pw.toString(), "--dataset", "t",
                    "--no-fsync", source);
            Files.writeString(src.resolve("notes.txt"), "changed\n", java.nio.file.StandardOpenOption.APPEND);
            final Path journal = Files.writeString(work.resolve("journal.jsonl"), "{\"dataset\": \"t\", "
                    + "\"intervalStart\": \"" + start.minusSeconds(60) + "\", \"intervalEnd\": \"" + Instant.now()
                    + "\", \"changedPaths\": [\"sub/notes.txt\"], \"complete\": true, \"journalSequence\": 1, "
                    + "\"watcherEpoch\": \"e\"}\n");
            rc = rc != 0 ? rc : run("backup", "--repo", repo, "--password-file", pw.toString(), "--dataset", "t",
                    "--no-fsync", "--journal", journal.toString(), source);
            rc = rc != 0 ? rc : run("backup", "--repo", repo, "--password-file", pw.toString(), "--dataset", "t",
                    "--no-fsync", "--json", source);
            for (final String[] cmd : new String[][] {{"snapshots", "--json"}, {"snapshots"}, {"ls", "latest"},
                {"diff", "latest", "latest"}, {"restore", "latest", "--target", work.resolve("restored").toString()},
                {"check", "--read-data"}, {"key", "list"}, {"find", "notes.txt"}, {"stats"}}) {
                final String[] args = Stream.concat(Stream.of(cmd), Stream.of("--repo", repo, "--password-file",
                        pw.toString())).toArray(String[]::new);
                rc = rc != 0 ? rc : run(args);
            }
            return rc;
        } finally {
            System.setOut(out);
            System.setErr(err);
            try (Stream<Path> all = Files.walk(work)) {
                all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static int run(final String... args) {
        return new CommandLine(new RepoCommand()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
    }
}
