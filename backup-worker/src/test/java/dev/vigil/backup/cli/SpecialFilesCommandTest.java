package dev.vigil.backup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vigil repo backup} says what it records but cannot restore (a socket), without failing the backup. */
class SpecialFilesCommandTest {
    @TempDir
    Path dir;

    @Test
    void shouldNameEachSocketItRecordsButCannotRestoreAndStillSucceed() throws Exception {
        final Path src = Files.createDirectories(dir.resolve("src"));
        Files.writeString(src.resolve("a.txt"), "hello");
        final String pw = Files.writeString(dir.resolve("pw"), "secret\n").toString();
        final String repo = dir.resolve("repo").toString();
        assertEquals(0, RepoCli.run("init", "--repo", repo, "--password-file", pw, "--kdf-n", "1024").code());
        try (ServerSocketChannel listening = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            listening.bind(UnixDomainSocketAddress.of(src.resolve("app.sock")));
            for (final boolean json : new boolean[] {false, true}) {
                final RepoCli.Result r = json
                        ? RepoCli.run("backup", "--repo", repo, "--password-file", pw, "--json", src.toString())
                        : RepoCli.run("backup", "--repo", repo, "--password-file", pw, src.toString());
                assertEquals(0, r.code(), "a socket is no failure: " + r.err());
                assertTrue(r.err().contains("note: " + src.resolve("app.sock") + ": socket, recorded, not restored"),
                        "json " + json + ": " + r.err());
            }
        }
    }
}
