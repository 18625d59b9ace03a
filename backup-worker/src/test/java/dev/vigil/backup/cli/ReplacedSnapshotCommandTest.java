package dev.vigil.backup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A snapshot the loss guard marks protected is saved again under a new id (its id is its content's hash): the id an
 * operator or the engine noted before must still name it, for every command that takes one, and a copy to a
 * repository that holds it as it was must not hold it twice.
 */
class ReplacedSnapshotCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path dir;

    private static RepoCli.Result ok(final String... args) {
        final RepoCli.Result r = RepoCli.run(args);
        assertEquals(0, r.code(), String.join(" ", args) + ": " + r.out() + r.err());
        return r;
    }

    @Test
    void shouldResolveTheIdOfASnapshotBeforeTheLossGuardProtectedItToItsProtectedCopy() throws Exception {
        final String pw = dev.vigil.backup.TestRepos.passwordFile(dir.resolve("pw"), "secret").toString();
        final String repo = dir.resolve("repo").toString();
        final String offsite = dir.resolve("offsite").toString();
        ok("init", "--repo", repo, "--password-file", pw, "--kdf-n", "1024");
        ok("init", "--repo", offsite, "--password-file", pw, "--kdf-n", "1024");
        final Path src = Files.createDirectories(dir.resolve("src"));
        for (int i = 0; i < 10; i++) {
            Files.writeString(src.resolve("f" + i), "the data of file " + i);
        }
        final String[] repoArgs = {"--repo", repo, "--password-file", pw};
        final String old = JSON.readTree(ok(args(repoArgs, "backup", "--json", src.toString())).out()).get("id")
                .asText();
        ok(args(repoArgs, "copy", "--to", offsite, "--to-password-file", pw));
        for (int i = 1; i < 10; i++) {
            Files.delete(src.resolve("f" + i));
        }
        // most of the data is gone: the loss guard marks the last snapshot protected, which gives it a new id
        final JsonNode lossy = JSON.readTree(ok(args(repoArgs, "backup", "--json", src.toString())).out());
        final String kept = lossy.get("loss").get("protectedSnapshot").asText();
        assertTrue(!kept.equals(old), "a protected copy is a new file");
        final String prefix = old.substring(0, 8);
        final String note = "snapshot %s was replaced by " + kept.substring(0, 8);

        // snapshots --json shows the link
        final JsonNode listed = JSON.readTree(ok(args(repoArgs, "snapshots", "--json")).out());
        assertEquals(2, listed.size(), listed.toString());
        assertEquals(kept, listed.get(0).get("id").asText(), listed.toString());
        assertEquals(old, listed.get(0).get("replaces").asText(), listed.toString());
        assertTrue(listed.get(0).get("protectedSnapshot").asBoolean(), listed.toString());

        // restore by the full id and by a prefix: the protected copy, said on stderr and in --json
        final RepoCli.Result byId = ok(args(repoArgs, "restore", old, "--target", dir.resolve("t1").toString(),
                "--json"));
        final JsonNode restored = JSON.readTree(byId.out());
        assertEquals(kept, restored.get("snapshot").asText(), byId.out());
        assertEquals(old, restored.get("replaces").asText(), byId.out());
        assertEquals(10, restored.get("files").asInt(), byId.out());
        assertTrue(byId.err().contains(note.formatted(old)), byId.err());
        final RepoCli.Result byPrefix = ok(args(repoArgs, "restore", prefix, "--target",
                dir.resolve("t2").toString()));
        assertTrue(byPrefix.out().contains("restored snapshot " + kept.substring(0, 8)), byPrefix.out());
        assertTrue(byPrefix.err().contains(note.formatted(prefix)), byPrefix.err());
        assertEquals("the data of file 9", Files.readString(dir.resolve("t2/f9")));

        final RepoCli.Result ls = ok(args(repoArgs, "ls", prefix));
        assertTrue(ls.out().contains("/f9"), ls.out());
        assertTrue(ls.err().contains(note.formatted(prefix)), ls.err());
        final RepoCli.Result diff = ok(args(repoArgs, "diff", prefix, "latest"));
        assertTrue(diff.out().contains("9 changes between " + kept.substring(0, 8)), diff.out());
        assertTrue(diff.err().contains(note.formatted(prefix)), diff.err());

        // the off-site copy held the snapshot as it was: it is marked protected there, not copied a second time
        ok(args(repoArgs, "copy", "--to", offsite, "--to-password-file", pw));
        final JsonNode there = JSON.readTree(ok("snapshots", "--repo", offsite, "--password-file", pw, "--json")
                .out());
        assertEquals(2, there.size(), there.toString());
        assertEquals(old, there.get(0).get("original").asText(), there.toString());
        assertTrue(there.get(0).get("protectedSnapshot").asBoolean(), there.toString());

        // forget by the old id: the protected copy, refused as protected unless --allow-protected
        final RepoCli.Result refused = RepoCli.run(args(repoArgs, "forget", prefix));
        assertEquals(ExitCodes.FAILED, refused.code(), refused.out() + refused.err());
        assertTrue(refused.err().contains("snapshot " + kept.substring(0, 8) + " is protected"), refused.err());
        final RepoCli.Result forgot = ok(args(repoArgs, "forget", prefix, "--allow-protected", "--json"));
        final JsonNode forgotten = JSON.readTree(forgot.out());
        assertEquals(kept, forgotten.get("forgotten").get(0).asText(), forgot.out());
        assertEquals(kept, forgotten.get("replaced").get(prefix).asText(), forgot.out());
        assertTrue(forgot.err().contains(note.formatted(prefix)), forgot.err());
        assertEquals(1, JSON.readTree(ok(args(repoArgs, "snapshots", "--json")).out()).size());
    }

    private static String[] args(final String[] repoArgs, final String command, final String... more) {
        final List<String> all = new ArrayList<>(List.of(command));
        all.addAll(List.of(repoArgs));
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }
}
