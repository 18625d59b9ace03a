package dev.vigil.backup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vigil repo backup} of a dataset emptied since its last snapshot (an unmounted mount point, an rm -rf): refused
 * unless --allow-empty, and then the snapshot that held the files is protected from {@code forget --keep-last}.
 */
class EmptyDatasetCommandTest {
    @TempDir
    Path dir;

    @Test
    void shouldRefuseAnEmptyDatasetUnlessAllowedAndThenKeepTheSnapshotThatHeldItsFiles() throws Exception {
        final String pw = Files.writeString(dir.resolve("pw"), "secret\n").toString();
        final String repo = dir.resolve("repo").toString();
        final Path data = Files.createDirectories(dir.resolve("data"));
        for (int i = 0; i < 5; i++) {
            Files.writeString(data.resolve("f" + i), "file " + i);
        }
        assertEquals(0, RepoCli.run("init", "--repo", repo, "--password-file", pw, "--kdf-n", "1024").code());
        assertEquals(0, RepoCli.run("backup", "--repo", repo, "--password-file", pw, "--dataset", "x",
                data.toString()).code());
        for (int i = 0; i < 5; i++) {
            Files.delete(data.resolve("f" + i));
        }

        final RepoCli.Result refused = RepoCli.run("backup", "--repo", repo, "--password-file", pw, "--dataset", "x",
                data.toString());
        assertEquals(ExitCodes.FAILED, refused.code(), refused.out() + refused.err());
        assertTrue(refused.err().contains(data + " is empty, but its last snapshot")
                && refused.err().contains("holds 5 files") && refused.err().contains("add --allow-empty"),
                refused.err());

        final RepoCli.Result allowed = RepoCli.run("backup", "--repo", repo, "--password-file", pw, "--dataset", "x",
                "--allow-empty", "--json", data.toString());
        assertEquals(ExitCodes.OK, allowed.code(), allowed.out() + allowed.err());
        assertTrue(allowed.err().contains("warning: dataset x holds 0 files") && allowed.err().contains("is protected "
                + "now"), allowed.err());
        // a script reading --json learns it too: the protected snapshot's id, which is the new snapshot's parent
        final JsonNode snapshot = new ObjectMapper().readTree(allowed.out());
        assertEquals(snapshot.path("parent").asText(), snapshot.path("loss").path("protectedSnapshot").asText(),
                allowed.out());
        assertTrue(snapshot.path("loss").path("message").asText().contains("is protected now"), allowed.out());

        final RepoCli.Result forget = RepoCli.run("forget", "--repo", repo, "--password-file", pw, "--keep-last", "1");
        assertEquals(ExitCodes.OK, forget.code(), forget.out() + forget.err());
        final String list = RepoCli.run("snapshots", "--repo", repo, "--password-file", pw).out();
        assertTrue(list.contains("2 snapshots") && list.matches("(?s).*\\bP\\b.*\\s5\\s.*"), list);
    }
}
