package dev.vigil.backup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.backup.TestShell;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code vigil repo} through its command line: snapshots as a table (times to the second, UTC) and as JSON (full
 * times), paths that are not in a snapshot, a damaged snapshot, and what init refuses.
 */
class SnapshotsCommandTest {
    @TempDir
    Path dir;
    /** The password file of {@link #initRepo}'s repository. */
    private String pw;

    /** @return the standard output of a command that must succeed */
    private String run(final String... args) {
        final RepoCli.Result r = RepoCli.run(args);
        assertEquals(0, r.code(), r.out() + r.err());
        return r.out();
    }

    /** @return a new repository's directory; its password file is {@link #pw} */
    private String initRepo() throws Exception {
        pw = Files.writeString(dir.resolve("pw"), "secret\n").toString();
        final String repo = dir.resolve("repo").toString();
        run("init", "--repo", repo, "--password-file", pw, "--kdf-n", "1024");
        return repo;
    }

    /**
     * @param options more options of the backup
     * @return {@link #initRepo}'s repository with one backup of {@code src}, which holds a.txt
     */
    private String repoWithABackup(final String... options) throws Exception {
        final Path src = Files.createDirectories(dir.resolve("src"));
        Files.writeString(src.resolve("a.txt"), "hello");
        final String repo = initRepo();
        final List<String> args = new java.util.ArrayList<>(List.of("backup", "--repo", repo, "--password-file", pw));
        args.addAll(List.of(options));
        args.add(src.toString());
        run(args.toArray(String[]::new));
        return repo;
    }

    @Test
    void recordsTheHostNameGivenAsAWorkerRecordsItsHostName() throws Exception {
        final String repo = repoWithABackup("--host", "web-1");

        final JsonNode snapshots = new ObjectMapper().readTree(run("snapshots", "--repo", repo, "--password-file", pw,
                "--json"));
        assertEquals("web-1", snapshots.get(0).get("host").asText(), snapshots.toString());
    }

    @Test
    void readsTheJournalLagAsOperatorsWriteDurationsAndRefusesANonDuration() throws Exception {
        final Path src = Files.createDirectories(dir.resolve("src"));
        final String repo = initRepo();
        run("backup", "--repo", repo, "--password-file", pw, "--journal-max-lag", "2m", src.toString());

        final RepoCli.Result refused = RepoCli.run("backup", "--repo", repo, "--password-file", pw,
                "--journal-max-lag", "soon", src.toString());
        assertEquals(ExitCodes.USAGE, refused.code());
        assertTrue(refused.err().contains("'soon' is not a duration"), refused.err());
    }

    @Test
    void leavesOutWhatExcludeAndExcludeFileNameAndRefusesABadPatternFileByLine() throws Exception {
        final Path src = Files.createDirectories(dir.resolve("src/build"));
        Files.writeString(src.resolve("main.o"), "object");
        Files.writeString(dir.resolve("src/notes.txt"), "keep");
        Files.writeString(dir.resolve("src/scratch.tmp"), "drop");
        final Path file = Files.write(dir.resolve("excludes"), List.of("# build output", "build"));
        final String repo = initRepo();
        run("backup", "--repo", repo, "--password-file", pw, "--exclude", "*.tmp", "--exclude-file", file.toString(),
                dir.resolve("src").toString());
        final String listing = run("ls", "--repo", repo, "--password-file", pw, "latest");
        assertTrue(listing.contains("/notes.txt"), listing);
        assertFalse(listing.contains("scratch.tmp") || listing.contains("build"), listing);

        Files.write(file, List.of("build", "logs/[a-"));
        final RepoCli.Result refused = RepoCli.run("backup", "--repo", repo, "--password-file", pw,
                "--exclude-file", file.toString(), dir.resolve("src").toString());
        assertEquals(ExitCodes.USAGE, refused.code());
        assertTrue(refused.err().contains(file + ":2: exclude pattern 'logs/[a-'"), refused.err());
    }

    @Test
    void namesTheFewSnapshotsAnIdThatNamesNoneMayHaveMeantAndHowToListThem() throws Exception {
        final String repo = repoWithABackup("--dataset", "a");
        for (final String dataset : List.of("b", "a", "b", "a", "b")) {
            run("backup", "--repo", repo, "--password-file", pw, "--dataset", dataset, dir.resolve("src").toString());
        }
        final List<JsonNode> all = new java.util.ArrayList<>();
        new ObjectMapper().readTree(run("snapshots", "--repo", repo, "--password-file", pw, "--json"))
                .forEach(all::add);
        assertEquals(6, all.size());
        final String first = all.get(0).get("id").asText();
        final String latestOfB = all.stream().filter(s -> s.get("dataset").asText().equals("b"))
                .max(java.util.Comparator.comparing(s -> Instant.parse(s.get("time").asText()))).orElseThrow()
                .get("id").asText();
        final String target = dir.resolve("target").toString();

        // its last digit mistyped: the snapshot whose id it starts as, alone
        final String typo = first.substring(0, 7) + (first.charAt(7) == '0' ? '1' : '0');
        final RepoCli.Result mistyped = RepoCli.run("restore", "--repo", repo, "--password-file", pw, typo,
                "--target", target);
        assertEquals(ExitCodes.FAILED, mistyped.code());
        assertTrue(mistyped.err().contains("snapshot " + typo + ": not found; the closest: "
                + first.substring(0, 8) + " ("), mistyped.err());
        assertTrue(mistyped.err().contains("'vigil repo snapshots' lists them"), mistyped.err());
        assertEquals(1, named(mistyped.err(), all), mistyped.err());

        // nothing in common: the dataset's latest, not every snapshot
        final RepoCli.Result none = RepoCli.run("ls", "--repo", repo, "--password-file", pw, "--dataset", "b",
                "zzzz");
        assertEquals(ExitCodes.FAILED, none.code());
        assertTrue(none.err().contains("snapshot zzzz: not found; the latest of dataset b: "
                + latestOfB.substring(0, 8) + " ("), none.err());
        assertTrue(none.err().contains("'vigil repo snapshots --dataset b' lists them"), none.err());
        assertEquals(1, named(none.err(), all), none.err());
        assertFalse(Files.exists(Path.of(target)));
    }

    /** @return how many of the snapshots the text names by their short id */
    private static long named(final String text, final List<JsonNode> snapshots) {
        return snapshots.stream().filter(s -> text.contains(s.get("id").asText().substring(0, 8))).count();
    }

    @Test
    void copiesTheSnapshotsNamedAsRestoreNamesThemAndFailsOnOneThatIsNotThere() throws Exception {
        final String repo = repoWithABackup();
        final String offsite = dir.resolve("offsite").toString();
        run("init", "--repo", offsite, "--password-file", pw, "--kdf-n", "1024");
        assertTrue(run("copy", "--repo", repo, "--password-file", pw, "--to", offsite, "--to-password-file", pw,
                "latest").contains("1 copied"));

        // a copy job with a typo fails instead of copying nothing
        final RepoCli.Result typo = RepoCli.run("copy", "--repo", repo, "--password-file", pw, "--to", offsite,
                "--to-password-file", pw, "zzzz");
        assertEquals(ExitCodes.FAILED, typo.code());
        assertTrue(typo.err().contains("snapshot zzzz: not found"), typo.err());
        // nor one of another dataset than --dataset says
        assertEquals(ExitCodes.FAILED, RepoCli.run("copy", "--repo", repo, "--password-file", pw, "--to", offsite,
                "--to-password-file", pw, "--dataset", "other", "latest").code());
    }


    @Test
    void printsTheErrorDocumentOnEveryFailureWithJsonAndLeavesNoEmptyTarget() throws Exception {
        final String repo = repoWithABackup();
        final Path target = dir.resolve("target");
        final String[][] cases = {
            {"1", "ls", "--repo", repo, "--password-file", pw, "--json", "latest", "/nothere"},
            {"2", "forget", "--repo", repo, "--password-file", pw, "--json"},
            {"2", "init", "--repo", dir.resolve("src").toString(), "--password-file", pw, "--json"},
            {"1", "restore", "--repo", repo, "--password-file", pw, "--json", "latest", "--target", target.toString(),
                "--include", "/nothere"},
        };
        for (final String[] c : cases) {
            final RepoCli.Result r = RepoCli.run(java.util.Arrays.copyOfRange(c, 1, c.length));
            assertEquals(Integer.parseInt(c[0]), r.code(), String.join(" ", c));
            final JsonNode doc = new ObjectMapper().readTree(r.out());
            assertEquals(Integer.parseInt(c[0]), doc.path("exitCode").asInt(), r.out());
            assertFalse(doc.path("error").asText().isEmpty(), r.out());
        }
        assertFalse(Files.exists(target), "a restore of nothing leaves no empty target");
    }

    @Test
    void checksASubsetGivenAsAShareAPercentageOrAGroupAndRefusesAnythingElse() throws Exception {
        final String repo = repoWithABackup();
        for (final String subset : List.of("0.5", "10%", "1/3", "3/3")) {
            assertTrue(run("check", "--repo", repo, "--password-file", pw, "--read-data-subset", subset)
                    .contains("no errors were found"), subset);
        }
        for (final String subset : List.of("0", "150%", "4/3", "0/3", "a/b", "half")) {
            assertEquals(ExitCodes.USAGE, RepoCli.run("check", "--repo", repo, "--password-file", pw,
                    "--read-data-subset", subset).code(), subset);
        }
    }

    @Test
    void forgetsAProtectedSnapshotOnlyByIdAndOnlyWhenAllowed() throws Exception {
        final String repo = repoWithABackup("--protect");
        final String id = new ObjectMapper().readTree(run("snapshots", "--repo", repo, "--password-file", pw, "--json"))
                .get(0).path("id").asText().substring(0, 8);
        assertEquals(ExitCodes.FAILED, RepoCli.run("forget", "--repo", repo, "--password-file", pw, id).code());
        assertEquals(ExitCodes.USAGE, RepoCli.run("forget", "--repo", repo, "--password-file", pw, "--keep-last", "1",
                "--allow-protected").code(), "a policy never forgets a protected snapshot");
        assertTrue(run("forget", "--repo", repo, "--password-file", pw, "--allow-protected", id)
                .contains("forgot 1 snapshots"));
        assertTrue(run("snapshots", "--repo", repo, "--password-file", pw).contains("0 snapshots"));
    }

    @Test
    void listsAndDiffsTheLatestSnapshotOfTheDatasetNamed() throws Exception {
        final String repo = repoWithABackup("--dataset", "one");
        final Path other = Files.createDirectories(dir.resolve("other"));
        Files.writeString(other.resolve("b.txt"), "b");
        run("backup", "--repo", repo, "--password-file", pw, "--dataset", "two", other.toString());
        assertTrue(run("ls", "--repo", repo, "--password-file", pw, "latest").contains("/b.txt"));
        final String ls = run("ls", "--repo", repo, "--password-file", pw, "--dataset", "one", "latest");
        assertTrue(ls.contains("/a.txt") && !ls.contains("/b.txt"), ls);
        assertFalse(run("diff", "--repo", repo, "--password-file", pw, "--dataset", "one", "latest", "latest")
                .contains("/a.txt"), "the same snapshot twice: no change");
    }

    @Test
    void diffShowsAChangedExtendedAttributeAsAMetadataChange() throws Exception {
        final String repo = repoWithABackup();
        final Path file = dir.resolve("src/a.txt");
        final var attributes = Files.getFileAttributeView(file,
                java.nio.file.attribute.UserDefinedFileAttributeView.class);
        try {
            attributes.write("user.note", java.nio.ByteBuffer.wrap("reviewed".getBytes(StandardCharsets.UTF_8)));
        } catch (java.io.IOException | UnsupportedOperationException e) {
            org.junit.jupiter.api.Assumptions.abort("no user extended attributes here: " + e);
        }
        run("backup", "--repo", repo, "--password-file", pw, dir.resolve("src").toString());
        final JsonNode snapshots = new ObjectMapper().readTree(run("snapshots", "--repo", repo, "--password-file", pw,
                "--json"));
        final String diff = run("diff", "--repo", repo, "--password-file", pw, snapshots.get(0).path("id").asText(),
                snapshots.get(1).path("id").asText());
        assertTrue(diff.contains("U  /a.txt"), diff);
    }

    @Test
    void listsSnapshotsAsATableAndAsJson() throws Exception {
        final String repo = repoWithABackup("--dataset", "docs");

        final String table = run("snapshots", "--repo", repo, "--password-file", pw);
        assertTrue(table.startsWith("ID        TIME (UTC)"), table);
        assertTrue(Pattern.compile("(?m)^[0-9a-f]{8}  \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ  FULL .* docs$")
                .matcher(table).find(), table);
        assertTrue(table.contains("1 snapshots"), table);
        run("backup", "--repo", repo, "--password-file", pw, "--dataset", "docs", "--tag", "before-upgrade",
                dir.resolve("src").toString());
        assertTrue(run("snapshots", "--repo", repo, "--password-file", pw).contains(" docs  [before-upgrade]\n"));
        Files.writeString(dir.resolve("src/a.txt"), "after the upgrade");
        run("backup", "--repo", repo, "--password-file", pw, "--dataset", "docs", dir.resolve("src").toString());
        final String tagged = run("snapshots", "--repo", repo, "--password-file", pw, "--tag", "before-upgrade");
        assertTrue(tagged.contains("1 snapshots"), tagged);
        // 'latest' with a tag: the newest snapshot that has it, not the newest of all
        run("restore", "--repo", repo, "--password-file", pw, "latest", "--tag", "before-upgrade", "--target",
                dir.resolve("before").toString());
        assertEquals("hello", Files.readString(dir.resolve("before/a.txt")));

        final JsonNode json = new ObjectMapper().readTree(run("snapshots", "--repo", repo, "--password-file", pw,
                "--json"));
        assertEquals(3, json.size());
        assertEquals("docs", json.get(0).path("dataset").asText());
        // The full time, parseable, for scripts.
        Instant.parse(json.get(0).path("time").asText());
    }

    @Test
    void failsOnAPathThatIsNotInTheSnapshotSoATypoDoesNotLookLikeSuccess() throws Exception {
        final Path src = Files.createDirectories(dir.resolve("src/d"));
        Files.writeString(src.resolve("f"), "x");
        Files.writeString(src.resolve("back\\slash\nline"), "y");
        final String repo = initRepo();
        run("backup", "--repo", repo, "--password-file", pw, dir.resolve("src").toString());
        assertTrue(run("ls", "--repo", repo, "--password-file", pw, "latest", "/d").contains("/d/f"));
        for (final String named : List.of("/d/back\\slash\nline", "/d/back\\x5Cslash\\x0Aline")) {
            assertTrue(run("ls", "--repo", repo, "--password-file", pw, "latest", named)
                    .contains("/d/back\\x5Cslash\\x0Aline"), "as named on disk, or as ls shows it: " + named);
        }
        final CommandLine cli = new CommandLine(new RepoCommand());
        assertEquals(ExitCodes.FAILED, cli.execute("ls", "--repo", repo, "--password-file", pw, "latest", "/nope"));
        assertEquals(ExitCodes.FAILED, cli.execute("restore", "--repo", repo, "--password-file", pw, "latest",
                "--target", dir.resolve("t").toString(), "--include", "/d/f", "--include", "/nope"));
        assertTrue(Files.exists(dir.resolve("t/d/f")), "what exists is restored all the same");
    }

    @Test
    void saysWhatIsWrongWithAPasswordOrTheKeysRatherThanOnlyWrongPassword() throws Exception {
        final String repo = repoWithABackup();
        final String spaced = Files.writeString(dir.resolve("spaced"), "secret \n").toString();
        final RepoCli.Result trailing = RepoCli.run("snapshots", "--repo", repo, "--password-file", spaced,
                "--json");
        assertEquals(ExitCodes.WRONG_PASSWORD, trailing.code());
        assertTrue(trailing.out().contains("begins or ends with white space"), trailing.out());

        final RepoCli.Result noNew = RepoCli.run("key", "add", "--repo", repo, "--password-file", pw, "--json");
        assertEquals(ExitCodes.USAGE, noNew.code(), "no file and no terminal to ask on");
        assertTrue(noNew.out().contains("give --new-password-file FILE"), noNew.out());

        final String blank = Files.writeString(dir.resolve("blank"), "\nsecret\n").toString();
        final RepoCli.Result empty = RepoCli.run("snapshots", "--repo", repo, "--password-file", blank, "--json");
        assertEquals(ExitCodes.USAGE, empty.code());
        assertTrue(empty.out().contains("its first line is empty"), empty.out());

        try (java.util.stream.Stream<Path> keys = Files.list(dir.resolve("repo/keys"))) {
            for (final Path key : keys.toList()) {
                Files.delete(key);
            }
        }
        final RepoCli.Result noKeys = RepoCli.run("snapshots", "--repo", repo, "--password-file", pw, "--json");
        assertEquals(ExitCodes.WRONG_PASSWORD, noKeys.code());
        assertTrue(noKeys.out().contains("no key files"), noKeys.out());
    }

    @Test
    void skipsADamagedSnapshotUntilForgottenByIdAndPrunesOnlyThen() throws Exception {
        final String repo = repoWithABackup("--dataset", "one");
        final Path src = dir.resolve("src");
        final Path damaged;
        try (java.util.stream.Stream<Path> s = Files.list(dir.resolve("repo/snapshots"))) {
            damaged = s.findFirst().orElseThrow();
        }
        Files.writeString(damaged, "x");
        run("backup", "--repo", repo, "--password-file", pw, "--dataset", "two", src.toString());
        final String table = run("snapshots", "--repo", repo, "--password-file", pw);
        assertTrue(table.contains("1 snapshots") && table.contains(" two"), table);
        // scripts see it too: after the snapshots that can be read, with its id and why, whatever the filter
        for (final String dataset : List.of("one", "two")) {
            final JsonNode json = withoutLogLines(run("snapshots", "--repo", repo, "--password-file", pw, "--json",
                    "--dataset", dataset));
            final JsonNode last = json.get(json.size() - 1);
            assertEquals(damaged.getFileName().toString(), last.path("id").asText(), json.toString());
            assertTrue(last.path("damaged").asText().contains(damaged.getFileName().toString().substring(0, 8)),
                    json.toString());
            assertEquals(List.of("id", "damaged"), iterableToList(last.fieldNames()));
            assertEquals(dataset.equals("two") ? 2 : 1, json.size(), json.toString());
        }
        assertEquals("two", withoutLogLines(run("snapshots", "--repo", repo, "--password-file", pw, "--json")).get(0)
                .path("dataset").asText(), "the first entry is still a snapshot");
        final CommandLine cli = new CommandLine(new RepoCommand());
        assertEquals(ExitCodes.FAILED, cli.execute("prune", "--repo", repo, "--password-file", pw),
                "prune refuses: the damaged snapshot's data may still be wanted");
        // the damaged one may be the newest: 'latest' is refused rather than quietly an older snapshot (restic too)
        final RepoCli.Result latest = RepoCli.run("restore", "--repo", repo, "--password-file", pw, "--json",
                "latest", "--target", dir.resolve("t").toString());
        assertEquals(ExitCodes.FAILED, latest.code());
        assertTrue(latest.out().contains("which is the latest is not known"), latest.out());
        // a copy takes what it can read and fails, naming what it could not copy
        final String offsite = dir.resolve("offsite").toString();
        run("init", "--repo", offsite, "--password-file", pw, "--kdf-n", "1024");
        assertEquals(ExitCodes.FAILED, RepoCli.run("copy", "--repo", repo, "--password-file", pw, "--to", offsite,
                "--to-password-file", pw).code());
        assertTrue(run("snapshots", "--repo", offsite, "--password-file", pw).contains("1 snapshots"));
        final String id = damaged.getFileName().toString().substring(0, 8);
        assertTrue(run("forget", "--repo", repo, "--password-file", pw, id).contains("forgot 1 snapshots: " + id));
        run("prune", "--repo", repo, "--password-file", pw);
        assertTrue(run("check", "--repo", repo, "--password-file", pw, "--read-data").contains("no errors"));
    }

    @Test
    void initRefusesANonEmptyDirectoryAnEmptyPasswordAndABadCostWithoutLeavingAnything() throws Exception {
        final String pw = Files.writeString(dir.resolve("pw"), "secret\n").toString();
        final String empty = Files.writeString(dir.resolve("empty-pw"), "\n").toString();
        final Path data = Files.createDirectories(dir.resolve("data"));
        Files.writeString(data.resolve("precious.txt"), "x");
        final CommandLine cli = new CommandLine(new RepoCommand());
        assertEquals(ExitCodes.USAGE, cli.execute("init", "--repo", data.toString(), "--password-file", pw));
        assertEquals(List.of(data.resolve("precious.txt")), entries(data));
        assertEquals(ExitCodes.USAGE, cli.execute("init", "--repo", data.resolve("precious.txt").toString(),
                "--password-file", pw), "a file is no place for a repository: bad usage, not 'no repository'");
        final Path repo = dir.resolve("repo");
        final RepoCli.Result none = RepoCli.run("snapshots", "--password-file", pw, "--json");
        if (System.getenv("VIGIL_REPOSITORY") == null) {
            assertEquals(ExitCodes.USAGE, none.code());
            assertTrue(none.out().contains("give --repo DIR or set VIGIL_REPOSITORY"), none.out());
        }
        assertEquals(ExitCodes.USAGE, cli.execute("init", "--repo", repo.toString(), "--password-file", empty));
        assertEquals(ExitCodes.USAGE, cli.execute("init", "--repo", repo.toString(), "--password-file", pw,
                "--kdf-n", "3"));
        assertEquals(ExitCodes.USAGE, cli.execute("init", "--repo", repo.toString(), "--password-file", pw,
                "--kdf-n", "1073741824"), "a cost no machine has the memory for is refused before any work");
        assertTrue(!Files.exists(repo) || entries(repo).isEmpty(), "a refused init leaves nothing");
        run("init", "--repo", repo.toString(), "--password-file", pw, "--kdf-n", "1024");
        final Path fresh = Files.createDirectories(dir.resolve("fresh-disk/lost+found"));
        run("init", "--repo", fresh.getParent().toString(), "--password-file", pw, "--kdf-n", "1024");
        // an init killed before its first file was in place left only its temporary file: a new init goes ahead
        final Path killed = Files.createDirectories(dir.resolve("killed"));
        Files.writeString(killed.resolve(".tmp-99bed7e7"), "half a config");
        run("init", "--repo", killed.toString(), "--password-file", pw, "--kdf-n", "1024");
        // one killed later left files of a repository without its marker: refused, saying what it looks like
        final Path later = Files.createDirectories(dir.resolve("later/keys"));
        Files.writeString(later.getParent().resolve("config"), "x");
        final RepoCli.Result stuck = RepoCli.run("init", "--repo", later.getParent().toString(),
                "--password-file", pw, "--json");
        assertEquals(ExitCodes.USAGE, stuck.code());
        assertTrue(stuck.out().contains("an init that was stopped?"), stuck.out());
    }

    @Test
    void shouldRestoreAndCheckAReadOnlyRepositoryWithNoLock() throws Exception {
        final String repo = initRepo();
        final Path src = Files.createDirectories(dir.resolve("src"));
        Files.writeString(src.resolve("a.txt"), "kept\n");
        run("backup", "--repo", repo, "--password-file", pw, src.toString());
        final Path ro = Files.createDirectories(dir.resolve("ro"));
        org.junit.jupiter.api.Assumptions.assumeTrue(TestShell.succeeds("mount --bind " + repo + " " + ro
                + " && mount -o remount,bind,ro " + ro), "mount (root)");
        try {
            final RepoCli.Result restore = RepoCli.run("restore", "--repo", ro.toString(), "--password-file", pw,
                    "latest", "--target", dir.resolve("out1").toString());
            assertEquals(1, restore.code());
            assertTrue(restore.err().contains("add --no-lock"), restore.err());
            final RepoCli.Result backup = RepoCli.run("backup", "--repo", ro.toString(), "--password-file", pw,
                    src.toString());
            assertEquals(1, backup.code());
            // backup has no --no-lock: it is not told to add one
            assertTrue(backup.err().contains("a backup needs the repository writable"), backup.err());
            run("restore", "--repo", ro.toString(), "--password-file", pw, "latest", "--target",
                    dir.resolve("out").toString(), "--no-lock");
            assertEquals("kept\n", Files.readString(dir.resolve("out").resolve("a.txt")));
            assertTrue(run("check", "--repo", ro.toString(), "--password-file", pw, "--no-lock").contains("no errors"));
        } finally {
            TestShell.succeeds("umount " + ro);
        }
    }

    @Test
    void shouldPrintAJsonDocumentOnFailureToo() throws Exception {
        final String repo = initRepo();
        final Path wrong = Files.writeString(dir.resolve("wrong"), "not the password\n");
        final RepoCli.Result r = RepoCli.run("snapshots", "--repo", repo, "--password-file", wrong.toString(),
                "--json");
        assertEquals(ExitCodes.WRONG_PASSWORD, r.code());
        final JsonNode doc = new ObjectMapper().readTree(r.out());
        assertEquals(ExitCodes.WRONG_PASSWORD, doc.get("exitCode").asInt());
        assertTrue(doc.get("error").asText().contains("wrong password"), doc.toString());
    }

    private static List<Path> entries(final Path directory) throws Exception {
        try (java.util.stream.Stream<Path> s = Files.list(directory)) {
            return s.toList();
        }
    }

    @Test
    void shouldListADamagedKeyFileAsDamagedBesideTheOthers() throws Exception {
        final String repo = initRepo();
        Files.writeString(Path.of(repo, "keys", "0".repeat(64)), "{\"kdf\": \"scr");
        final String out = run("key", "list", "--repo", repo, "--password-file", pw);
        assertTrue(out.contains("00000000  damaged: "), out);
        assertTrue(out.lines().anyMatch(l -> l.startsWith("*")), "the key that opened is listed too: " + out);
    }

    @Test
    void shouldWarnOfAPasswordFileEveryUserMayReadButStillRunForTheScriptsThatUseIt() throws Exception {
        final String repo = initRepo();
        final Path file = Path.of(pw);
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        final RepoCli.Result open = RepoCli.run("snapshots", "--repo", repo, "--password-file", pw);
        assertEquals(0, open.code(), open.err());
        assertTrue(open.err().contains("warning: password file " + pw + ": readable or writable by every user of this "
                + "host (mode rw-r--r--)"), open.err());

        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r-----"));
        final RepoCli.Result closed = RepoCli.run("snapshots", "--repo", repo, "--password-file", pw);
        assertEquals(0, closed.code(), closed.err());
        assertFalse(closed.err().contains("password file"), closed.err());
    }

    private static List<String> iterableToList(final java.util.Iterator<String> names) {
        final List<String> out = new java.util.ArrayList<>();
        names.forEachRemaining(out::add);
        return out;
    }

    /** @return the JSON document of a command's output, without the lines the tests' logging writes to stdout */
    private static JsonNode withoutLogLines(final String out) throws Exception {
        return new ObjectMapper().readTree(out.lines().filter(l -> !l.matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} .*"))
                .collect(java.util.stream.Collectors.joining("\n")));
    }
}
