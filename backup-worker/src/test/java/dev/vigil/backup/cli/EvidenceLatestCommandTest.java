package dev.vigil.backup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * After an incident the newest snapshot is often evidence of it: the engine's evidence backup as an attack began, the
 * worker's backup of what a restore onto the dataset replaced. An operator who restores "latest" at 3 a.m. wants the
 * data back, not the damage.
 */
class EvidenceLatestCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path dir;

    private static RepoCli.Result ok(final List<String> args) {
        final RepoCli.Result r = RepoCli.run(args.toArray(String[]::new));
        assertEquals(0, r.code(), String.join(" ", args) + ": " + r.out() + r.err());
        return r;
    }

    private List<String> repo(final String... args) {
        final List<String> out = new ArrayList<>(List.of(args));
        out.addAll(List.of("--repo", dir.resolve("repo").toString(), "--password-file", dir.resolve("pw").toString()));
        return out;
    }

    @BeforeEach
    void init() throws Exception {
        dev.vigil.backup.TestRepos.passwordFile(dir.resolve("pw"), "secret");
        ok(repo("init", "--kdf-n", "1024"));
    }

    @Test
    void shouldRestoreAsLatestTheNewestSnapshotThatIsNotEvidenceOfAnIncident() throws Exception {
        final Path src = Files.createDirectories(dir.resolve("src"));
        Files.writeString(src.resolve("report.txt"), "quarterly figures");
        final String good = JSON.readTree(ok(repo("backup", "--json", src.toString())).out()).get("id").asText();
        Files.writeString(src.resolve("report.txt"), "\u0001\u00ff encrypted by an attacker");
        final List<String> evidence = repo("backup", "--json", "--tag", "evidence", src.toString());
        final String damaged = JSON.readTree(ok(evidence).out()).get("id").asText();

        final RepoCli.Result latest = ok(repo("restore", "latest", "--target", dir.resolve("t1").toString()));

        assertEquals("quarterly figures", Files.readString(dir.resolve("t1/report.txt")));
        assertTrue(latest.out().contains("restored snapshot " + good.substring(0, 8)), latest.out());
        assertTrue(latest.err().contains("newer snapshots are evidence of an incident")
                && latest.err().contains(damaged.substring(0, 8)), latest.err());
        // named, or asked for by its tag, evidence is restored: it is there to be looked at
        ok(repo("restore", damaged.substring(0, 8), "--target", dir.resolve("t2").toString()));
        assertTrue(Files.readString(dir.resolve("t2/report.txt")).contains("encrypted"));
        ok(repo("restore", "latest", "--tag", "evidence", "--target", dir.resolve("t3").toString()));
        assertTrue(Files.readString(dir.resolve("t3/report.txt")).contains("encrypted"));
    }
    @Test
    void shouldRestoreTheNewestEvidenceAndSaySoWhenEverySnapshotIsEvidence() throws Exception {
        final Path src = Files.createDirectories(dir.resolve("src"));
        Files.writeString(src.resolve("report.txt"), "first look");
        ok(repo("backup", "--tag", "evidence", src.toString()));
        Files.writeString(src.resolve("report.txt"), "second look");
        final String newest = JSON.readTree(ok(repo("backup", "--json", "--tag", "evidence", src.toString())).out())
                .get("id").asText();

        // nothing else to give: the newest is restored, and the note says what it is rather than passing it silently
        final RepoCli.Result latest = ok(repo("restore", "latest", "--target", dir.resolve("t").toString()));

        assertEquals("second look", Files.readString(dir.resolve("t/report.txt")));
        assertTrue(latest.err().contains("every snapshot is evidence of an incident")
                && latest.err().contains(newest.substring(0, 8)), latest.err());
    }
}
