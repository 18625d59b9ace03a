package dev.vigil.backup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.backup.snapshot.FileNames;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vigil repo find} on repositories made by {@code vigil repo backup} of real trees: which snapshots still hold
 * a file clobbered and then deleted, names with spaces, newlines and bytes that are not UTF-8, the snapshots it
 * searches, nothing found, bad patterns, and each tree read once however many snapshots share it.
 */
class FindCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path dir;
    private String repo;
    private String pw;
    private Path src;

    @BeforeEach
    void initRepo() throws Exception {
        pw = Files.writeString(dir.resolve("pw"), "secret\n").toString();
        repo = dir.resolve("repo").toString();
        src = Files.createDirectories(dir.resolve("src"));
        Files.createDirectories(src.resolve("sub dir"));
        Files.createDirectories(src.resolve("logs"));
        run("init", "--repo", repo, "--password-file", pw, "--kdf-n", "1024");
    }

    private String run(final String... args) {
        final RepoCli.Result r = RepoCli.run(args);
        assertEquals(0, r.code(), r.out() + r.err());
        return r.out();
    }

    /** @return the new snapshot's full id */
    private String backup(final String dataset, final Path tree) throws Exception {
        run("backup", "--repo", repo, "--password-file", pw, "--dataset", dataset, tree.toString());
        final JsonNode all = JSON.readTree(run("snapshots", "--repo", repo, "--password-file", pw, "--json"));
        return all.get(all.size() - 1).path("id").asText();
    }

    private JsonNode find(final String... args) throws Exception {
        final List<String> all = new ArrayList<>(List.of("find", "--repo", repo, "--password-file", pw, "--json"));
        all.addAll(List.of(args));
        return JSON.readTree(run(all.toArray(String[]::new)));
    }

    private static List<String> paths(final JsonNode hits) {
        final List<String> out = new ArrayList<>();
        hits.forEach(h -> out.add(h.path("path").asText()));
        return out;
    }

    @Test
    void shouldNameTheSnapshotsThatStillHoldADeletedFileNewestFirstWithItsSizeMtimeModeAndType() throws Exception {
        final Path report = src.resolve("sub dir/report.ods");
        // files that stay: deleting a dataset's only file is a total loss, which protects the snapshot before it (a
        // new id, so not the one this test noted)
        Files.writeString(src.resolve("logs/a.log"), "a log that stays");
        Files.writeString(src.resolve("logs/b.log"), "another log that stays");
        Files.writeString(report, "the good version");
        Files.setLastModifiedTime(report, FileTime.fromMillis(1_700_000_000_123L));
        Files.setAttribute(report, "unix:mode", 0640);
        final String good = backup("docs", src);
        Files.writeString(report, "clobbered");
        final String clobbered = backup("docs", src);
        Files.delete(report);
        backup("docs", src);

        final JsonNode hits = find("report.ods");
        assertEquals(2, hits.size(), hits.toString());
        assertEquals(clobbered, hits.get(0).path("snapshot").asText(), "newest first");
        assertEquals(9, hits.get(0).path("size").asLong());
        final JsonNode first = hits.get(1);
        assertEquals(good, first.path("snapshot").asText());
        assertEquals("/sub dir/report.ods", first.path("path").asText());
        assertEquals("docs", first.path("dataset").asText());
        assertEquals("file", first.path("type").asText());
        assertEquals(16, first.path("size").asLong());
        assertEquals("0640", first.path("mode").asText());
        assertEquals("2023-11-14T22:13:20.123Z", first.path("mtime").asText());
        assertTrue(first.path("time").asText().startsWith("20"), first.toString());

        final String text = run("find", "--repo", repo, "--password-file", pw, "report.ods");
        assertTrue(text.startsWith("snapshot " + clobbered.substring(0, 8)), text);
        assertTrue(text.contains("  file    0640           16  2023-11-14T22:13:20.123Z  /sub dir/report.ods\n"), text);
        assertTrue(text.contains("2 matches in 2 of 3 snapshots searched"), text);
    }

    @Test
    void shouldMatchNamesWithSpacesNewlinesAndBytesThatAreNotUtf8AsLsShowsThem() throws Exception {
        Files.writeString(src.resolve("sub dir/new\nline.txt"), "a");
        Files.writeString(FileNames.resolve(src.resolve("sub dir"), "caf\uDCE9.txt"), "b");
        Files.writeString(src.resolve("sub dir/Report.ODS"), "c");
        Files.writeString(src.resolve("logs/report.ods"), "d");
        backup("docs", src);

        assertEquals(List.of("/sub dir/new\\x0Aline.txt"), paths(find("*\\x0A*")));
        assertEquals(List.of("/sub dir/new\\x0Aline.txt"), paths(find("new\nline.txt")), "the name itself too");
        assertEquals(List.of("/sub dir/caf\\xE9.txt"), paths(find("caf\\xe9.*")));
        assertEquals(List.of("/logs/report.ods"), paths(find("report.ods")), "letters in their case");
        assertEquals(List.of("/logs/report.ods", "/sub dir/Report.ODS"), paths(find("--ignore-case", "report.ods")));
        // with '/', the path from the dataset root: anchored, '**/' any directories, a trailing '/' directories only
        assertEquals(List.of("/sub dir/Report.ODS"), paths(find("sub dir/*.ODS")));
        assertEquals(List.of("/logs/report.ods"), paths(find("/logs/*")));
        assertEquals(List.of(), paths(find("/report.ods")));
        assertEquals(List.of("/logs/report.ods"), paths(find("**/report.ods")));
        assertEquals(List.of("/sub dir"), paths(find("sub*/")));
        assertEquals(List.of("/sub dir", "/sub dir/Report.ODS", "/sub dir/caf\\xE9.txt", "/sub dir/new\\x0Aline.txt"),
                paths(find("sub dir", "sub dir/**")), "the directory, then what it holds, in tree order");
    }

    @Test
    void shouldSearchOnlyTheSnapshotsChosenByDatasetHostIdLatestAndNewest() throws Exception {
        Files.writeString(src.resolve("a.txt"), "one");
        final String first = backup("docs", src);
        Files.writeString(src.resolve("a.txt"), "two!");
        final String second = backup("docs", src);
        final Path other = Files.createDirectories(dir.resolve("other"));
        Files.writeString(other.resolve("a.txt"), "other");
        final String third = backup("mail", other);
        final String host = JSON.readTree(run("snapshots", "--repo", repo, "--password-file", pw, "--json")).get(0)
                .path("host").asText();

        assertEquals(List.of(third, second, first), snapshots(find("a.txt")));
        assertEquals(List.of(second, first), snapshots(find("--dataset", "docs", "a.txt")));
        assertEquals(List.of(third, second), snapshots(find("--newest", "2", "a.txt")));
        assertEquals(List.of(second), snapshots(find("--dataset", "docs", "--snapshot", "latest", "a.txt")));
        assertEquals(List.of(third, first), snapshots(find("-s", first.substring(0, 8), "-s", "latest", "a.txt")));
        assertEquals(List.of(third, second, first), snapshots(find("--host", host, "a.txt")));
        assertEquals(List.of(), snapshots(find("--host", host + "-elsewhere", "a.txt")));
    }

    private static List<String> snapshots(final JsonNode hits) {
        final List<String> out = new ArrayList<>();
        hits.forEach(h -> out.add(h.path("snapshot").asText()));
        return out;
    }

    @Test
    void shouldSayNothingMatchedAndExitZeroAsResticFindDoes() throws Exception {
        Files.writeString(src.resolve("a.txt"), "a");
        backup("docs", src);
        final RepoCli.Result text = RepoCli.run("find", "--repo", repo, "--password-file", pw, "nothing*");
        assertEquals(ExitCodes.OK, text.code(), text.err());
        assertTrue(text.out().startsWith("no entry matches 'nothing*' in 1 snapshots searched ("), text.out());
        assertEquals("[ ]", RepoCli.run("find", "--repo", repo, "--password-file", pw, "--json", "nothing*").out()
                .strip());
    }

    @Test
    void shouldRefuseABadPatternOrCountAsBadUsage() throws Exception {
        for (final String[] bad : List.of(new String[] {"logs/[a-"}, new String[] {"/"}, new String[] {"x\\"},
                new String[] {"--newest", "0", "x"})) {
            final List<String> args = new ArrayList<>(List.of("find", "--repo", repo, "--password-file", pw,
                    "--json"));
            args.addAll(List.of(bad));
            final RepoCli.Result r = RepoCli.run(args.toArray(String[]::new));
            assertEquals(ExitCodes.USAGE, r.code(), String.join(" ", bad) + ": " + r.err());
            assertEquals(ExitCodes.USAGE, JSON.readTree(r.out()).path("exitCode").asInt(), r.out());
        }
    }

    @Test
    void shouldReadATreeSharedBySnapshotsOnceAndStillReportEachSnapshotsMatches() throws Exception {
        Files.writeString(src.resolve("sub dir/a.txt"), "a");
        for (int i = 0; i < 3; i++) {
            backup("docs", src); // the same root tree three times
        }
        Files.writeString(src.resolve("logs/b.txt"), "b"); // a new root and logs tree; "sub dir" is unchanged
        backup("docs", src);

        for (final String pattern : List.of("a.txt", "sub dir/a.txt")) { // by tree alone; by tree and path
            final String text = run("find", "--repo", repo, "--password-file", pw, pattern);
            // trees: root, "sub dir", logs, then the new root and the new logs; each read once
            assertTrue(text.contains("4 matches in 4 of 4 snapshots searched"), text);
            assertTrue(text.endsWith("; 5 trees read\n"), text);
        }
    }

    @Test
    void shouldReportTheOtherSnapshotsMatchesAndExitOneWhenASnapshotsTreeCannotBeRead() throws Exception {
        Files.writeString(src.resolve("a.txt"), "a");
        final String first = backup("docs", src);
        final Path data = Path.of(repo, "data");
        final List<Path> before;
        try (var packs = Files.walk(data)) {
            before = packs.toList();
        }
        Files.writeString(src.resolve("logs/b.txt"), "b");
        final String second = backup("docs", src);
        try (var packs = Files.walk(data)) {
            for (final Path p : packs.filter(Files::isRegularFile).filter(p -> !before.contains(p)).toList()) {
                Files.delete(p); // the second backup's pack: its new root and logs trees
            }
        }

        final RepoCli.Result r = RepoCli.run("find", "--repo", repo, "--password-file", pw, "--json", "a.txt");
        assertEquals(ExitCodes.FAILED, r.code(), r.err());
        assertTrue(r.err().contains("snapshot " + second.substring(0, 8) + ": /: "), r.err());
        try (var docs = JSON.createParser(r.out())) { // the matches, then the error document
            assertEquals(List.of(first), snapshots(JSON.readTree(docs)), "the snapshot that could be searched");
            assertEquals(ExitCodes.FAILED, JSON.<JsonNode>readTree(docs).path("exitCode").asInt(), r.out());
        }
    }
}
