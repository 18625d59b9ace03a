package dev.vigil.backup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code vigil repo backup} says what it records but cannot restore (a socket), without failing the backup. */
class SpecialFilesCommandTest {
    @TempDir
    Path dir;

    /** @return exit code, stdout, stderr */
    private String[] run(final String... args) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final PrintStream savedOut = System.out;
        final PrintStream savedErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            final int code = new CommandLine(new RepoCommand()).execute(args);
            return new String[] {Integer.toString(code), out.toString(StandardCharsets.UTF_8),
                err.toString(StandardCharsets.UTF_8)};
        } finally {
            System.setOut(savedOut);
            System.setErr(savedErr);
        }
    }

    @Test
    void shouldNameEachSocketItRecordsButCannotRestoreAndStillSucceed() throws Exception {
        final Path src = Files.createDirectories(dir.resolve("src"));
        Files.writeString(src.resolve("a.txt"), "hello");
        final String pw = Files.writeString(dir.resolve("pw"), "secret\n").toString();
        final String repo = dir.resolve("repo").toString();
        assertEquals("0", run("init", "--repo", repo, "--password-file", pw, "--kdf-n", "1024")[0]);
        try (ServerSocketChannel listening = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            listening.bind(UnixDomainSocketAddress.of(src.resolve("app.sock")));
            for (final boolean json : new boolean[] {false, true}) {
                final String[] r = json ? run("backup", "--repo", repo, "--password-file", pw, "--json", src.toString())
                        : run("backup", "--repo", repo, "--password-file", pw, src.toString());
                assertEquals("0", r[0], "a socket is no failure: " + r[2]);
                assertTrue(r[2].contains("note: " + src.resolve("app.sock") + ": socket, recorded, not restored"),
                        "json " + json + ": " + r[2]);
            }
        }
    }
}
