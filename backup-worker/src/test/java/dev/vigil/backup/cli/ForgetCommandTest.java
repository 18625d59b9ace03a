package dev.vigil.backup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.backup.TestRepos;
import dev.vigil.backup.repository.Repository;
import dev.vigil.backup.snapshot.Snapshot;
import dev.vigil.backup.snapshot.SnapshotStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vigil repo forget} by policy on a real repository whose snapshots have the times a test gives them. Each
 * expected set is worked out by hand from the policy's definition (the README, "Retention"); restic's forget, run on
 * a repository with the same times, agrees except where the README names a deliberate difference.
 */
class ForgetCommandTest {
    @TempDir
    Path dir;
    private String repo;
    private String pw;
    /** Snapshot ids by the name a test gave them. */
    private final Map<String, String> ids = new TreeMap<>();

    @BeforeEach
    void createRepository() throws Exception {
        repo = dir.resolve("repo").toString();
        pw = TestRepos.passwordFile(dir.resolve("pw"), new String(TestRepos.PASSWORD)).toString();
        TestRepos.create(dir.resolve("repo")).close();
    }

    /** Saves a snapshot of dataset ds named {@code name} at {@code time} (UTC, ISO-8601), tagged evidence if asked. */
    private void snapshot(final String name, final String time, final boolean evidence) {
        snapshot(name, time, evidence, "h", "ds");
    }

    private void snapshot(final String name, final String time, final boolean evidence, final String host,
                          final String dataset) {
        try (Repository r = TestRepos.open(Path.of(repo))) {
            final Snapshot s = new SnapshotStore(r).save(new Snapshot(null, time, time, host, "u", dataset, "/p", "00",
                    "FULL", null, evidence ? List.of(dev.vigil.schemas.SnapshotTags.EVIDENCE) : List.of(), evidence,
                    null, null, null, null, null, null, null, null));
            ids.put(s.id(), name);
        }
    }

    /** @return the names of the snapshots kept by {@code forget --json} with these options, and checks it ran */
    private List<String> forget(final String... options) throws Exception {
        final List<String> args = new ArrayList<>(List.of("forget", "--repo", repo, "--password-file", pw, "--json"));
        args.addAll(List.of(options));
        final RepoCli.Result r = RepoCli.run(args.toArray(String[]::new));
        assertEquals(0, r.code(), r.out() + r.err());
        final List<String> kept = new ArrayList<>();
        for (final JsonNode d : new ObjectMapper().readTree(r.out()).path("snapshots")) {
            if (d.path("keep").asBoolean()) {
                kept.add(ids.get(d.path("id").asText()) + " " + d.path("reasons"));
            }
        }
        return kept;
    }

    @Test
    void shouldLeaveRestorePointsWhenAProtectedEvidenceSnapshotIsTheNewest() throws Exception {
        snapshot("mon", "2026-03-02T02:00:00Z", false);
        snapshot("tue", "2026-03-03T02:00:00Z", false);
        snapshot("wed", "2026-03-04T02:00:00Z", false);
        snapshot("wed-evidence", "2026-03-04T14:05:00Z", true); // ransomware at 14:00: the encrypted files
        // a restore never takes evidence, so the counts are of the other snapshots; evidence is kept besides
        assertEquals(List.of("wed-evidence [\"protected\"]", "wed [\"last\"]"), forget("--keep-last", "1",
                "--dry-run"));
        assertEquals(List.of("wed-evidence [\"protected\"]", "wed [\"last\"]", "tue [\"last\"]"),
                forget("--keep-last", "2"));
        assertEquals(List.of("2026-03-03T02:00:00Z", "2026-03-04T02:00:00Z", "2026-03-04T14:05:00Z"), times());
    }

    @Test
    void shouldDecideDaysInTheZoneGivenAndSayWhichZoneAndLocalTime() throws Exception {
        snapshot("tue-late", "2026-03-03T22:30:00Z", false); // Tuesday 23:30 in Berlin
        snapshot("wed-early", "2026-03-03T23:30:00Z", false); // Wednesday 00:30 in Berlin, Tuesday in UTC
        snapshot("wed", "2026-03-04T10:00:00Z", false);
        final RepoCli.Result r = RepoCli.run("forget", "--repo", repo, "--password-file", pw, "--json", "--dry-run",
                "--keep-daily", "2", "--time-zone", "Europe/Berlin");
        assertEquals(0, r.code(), r.out() + r.err());
        final JsonNode doc = new ObjectMapper().readTree(r.out());
        assertEquals("Europe/Berlin", doc.path("zone").asText());
        final List<String> rows = new ArrayList<>();
        for (final JsonNode d : doc.path("snapshots")) {
            rows.add(ids.get(d.path("id").asText()) + " " + d.path("localTime").asText() + " " + d.path("keep")
                    + " " + d.path("reasons"));
        }
        assertEquals(List.of("wed 2026-03-04T11:00:00+01:00 true [\"daily\"]",
                "wed-early 2026-03-04T00:30:00+01:00 false []", "tue-late 2026-03-03T23:30:00+01:00 true [\"daily\"]"),
                rows);
        assertEquals(List.of("wed [\"daily\"]", "wed-early [\"daily\"]"),
                forget("--keep-daily", "2", "--time-zone", "UTC", "--dry-run"), "in UTC wed-early is on Tuesday");
        final String text = RepoCli.run("forget", "--repo", repo, "--password-file", pw, "--dry-run", "--keep-daily",
                "2", "--time-zone", "Europe/Berlin").out();
        assertTrue(text.contains("periods in Europe/Berlin") && text.contains("2026-03-04T00:30:00+01:00"), text);
    }

    @Test
    void shouldKeepWithinADurationOfTheNewestUnprotectedSnapshotAsResticDoes() throws Exception {
        snapshot("feb29", "2024-02-29T12:00:00Z", false); // exactly a month before the newest: out, as in restic
        snapshot("mar01", "2024-03-01T12:00:00Z", false);
        snapshot("mar30", "2024-03-30T12:00:00Z", false);
        snapshot("mar31", "2024-03-31T12:00:00Z", false);
        snapshot("evidence", "2024-04-20T12:00:00Z", true); // the window is from mar31, not from it
        assertEquals(List.of("evidence [\"protected\"]", "mar31 [\"within 1m\"]", "mar30 [\"within 1m\"]",
                "mar01 [\"within 1m\"]"), forget("--keep-within", "1m", "--time-zone", "UTC", "--dry-run"));
        assertEquals(List.of("evidence [\"protected\"]", "mar31 [\"within 1d12h\"]", "mar30 [\"within 1d12h\"]"),
                forget("--keep-within", "1d12h", "--time-zone", "UTC", "--dry-run"));
        assertEquals(ExitCodes.USAGE, RepoCli.run("forget", "--repo", repo, "--password-file", pw, "--keep-within",
                "30days").code());
        assertEquals(ExitCodes.USAGE, RepoCli.run("forget", "--repo", repo, "--password-file", pw, "--keep-within",
                "0d").code(), "a window of nothing keeps nothing");
        assertEquals(List.of("evidence [\"protected\"]", "mar31 [\"within 1y\",\"last\"]",
                "mar30 [\"within 1y\"]", "mar01 [\"within 1y\"]", "feb29 [\"within 1y\"]"),
                forget("--keep-within", "1y", "--keep-last", "1"));
    }

    @Test
    void shouldKeepEachHostsSnapshotsWhenTwoHostsBackUpTheSamePathByHand() throws Exception {
        // 'vigil repo backup /etc' on two hosts into one repository: both are dataset /etc (the path is the default)
        snapshot("web1-mon", "2026-03-02T01:00:00Z", false, "web-1", "/etc");
        snapshot("web1-tue", "2026-03-03T01:00:00Z", false, "web-1", "/etc");
        snapshot("web2-10h", "2026-03-04T10:00:00Z", false, "web-2", "/etc");
        snapshot("web2-11h", "2026-03-04T11:00:00Z", false, "web-2", "/etc");
        final List<String> kept = new ArrayList<>(forget("--keep-last", "1"));
        kept.sort(null);
        assertEquals(List.of("web1-tue [\"last\"]", "web2-11h [\"last\"]"), kept);
        assertEquals(List.of("2026-03-03T01:00:00Z", "2026-03-04T11:00:00Z"), times());
    }

    @Test
    void shouldNotLetASnapshotFromABadClockInTheFutureMoveTheKeepWithinWindow() throws Exception {
        final java.time.Instant now = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        snapshot("ten-days-ago", now.minus(java.time.Duration.ofDays(10)).toString(), false);
        snapshot("three-days-ago", now.minus(java.time.Duration.ofDays(3)).toString(), false);
        // a host whose clock ran ten years ahead (a lost RTC battery, a wrong NTP server) took this one
        snapshot("bad-clock", now.plus(java.time.Duration.ofDays(3650)).toString(), false);
        // the window ends at the newest snapshot before now (three days ago), as restic's: ten-days-ago is within 8d
        final List<String> kept = new ArrayList<>(forget("--keep-within", "8d"));
        kept.sort(null);
        assertEquals(List.of("bad-clock [\"within 8d\"]", "ten-days-ago [\"within 8d\"]",
                "three-days-ago [\"within 8d\"]"), kept);
    }

    @Test
    void shouldSaySoWhenTheDatasetNamedHasNoSnapshot() throws Exception {
        snapshot("docs", "2026-03-02T02:00:00Z", false, "h", "docs");
        final RepoCli.Result r = RepoCli.run("forget", "--repo", repo, "--password-file", pw, "--keep-last", "1",
                "--dataset", "dosc");
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("no snapshot of dataset 'dosc' (datasets: docs)"), r.err());
    }

    @Test
    void shouldRefuseANegativeCountNamingTheOption() throws Exception {
        snapshot("mon", "2026-03-02T02:00:00Z", false);
        // newer restic reads -1 as "keep all of them"; here it is refused, before the repository is touched
        final RepoCli.Result r = RepoCli.run("forget", "--repo", repo, "--password-file", pw, "--keep-last", "1",
                "--keep-daily", "-1");
        assertEquals(ExitCodes.USAGE, r.code(), r.out() + r.err());
        assertTrue(r.err().contains("--keep-daily must be >= 0 (restic's -1, all, is not offered: give a count), "
                + "was -1"), r.err());
        assertEquals(List.of("2026-03-02T02:00:00Z"), times());
    }

    @Test
    void shouldSayThatADryRunDoesNotPrune() throws Exception {
        snapshot("mon", "2026-03-02T02:00:00Z", false);
        snapshot("tue", "2026-03-03T02:00:00Z", false);
        final RepoCli.Result r = RepoCli.run("forget", "--repo", repo, "--password-file", pw, "--keep-last", "1",
                "--prune", "--dry-run");
        assertEquals(0, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("not pruned: a dry run forgets nothing"), r.out());
        final String byId = RepoCli.run("forget", "--repo", repo, "--password-file", pw, "--prune", "--dry-run",
                ids.keySet().iterator().next()).out();
        assertTrue(byId.contains("would forget 1 snapshots") && byId.contains("not pruned: a dry run"), byId);
        assertEquals(2, times().size());
    }

    /** @return the times of the snapshots in the repository, oldest first */
    private List<String> times() {
        try (Repository r = TestRepos.open(Path.of(repo))) {
            return new SnapshotStore(r).list().stream().map(Snapshot::time).toList();
        }
    }
}
