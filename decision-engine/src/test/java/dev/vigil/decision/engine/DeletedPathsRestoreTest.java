package dev.vigil.decision.engine;

import static dev.vigil.decision.Fixtures.dataset;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.decision.Fixtures;
import dev.vigil.decision.rules.RuleBook;
import dev.vigil.schemas.Action;
import dev.vigil.schemas.CommandStatus;
import dev.vigil.schemas.DecisionRecord;
import dev.vigil.schemas.FileActivity;
import dev.vigil.schemas.HostEvent;
import dev.vigil.schemas.Outcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A RESTORE of deleted paths with no path to restore is not a RESTORE of everything: an empty path list means the whole
 * snapshot, onto the dataset with overwrite, which would undo every change since that snapshot (at once, on a dataset
 * that allows restores without approval).
 */
class DeletedPathsRestoreTest {
    @TempDir
    Path dir;

    private EngineHarness harness(final String rule) throws IOException {
        final EngineHarness h = new EngineHarness(EngineSettings.defaults(),
                RuleBook.open(Files.writeString(dir.resolve("rules.yaml"), "rules:\n" + rule)));
        h.register(dataset("d1", "h1", h.now).setAutoRestore(true).build());
        h.advance(Duration.ofMinutes(5));
        h.handle(new Trigger.OfResult(Fixtures.result("d1", "h1", h.lastCommand().getId(), Action.FULL,
                CommandStatus.SUCCEEDED, h.now).build()));
        h.advance(Duration.ofHours(1));
        return h;
    }

    private static void assertNoRestore(final EngineHarness h, final String why) {
        assertTrue(h.commands.stream().noneMatch(c -> c.getAction() == Action.RESTORE), h.commands.toString());
        final List<DecisionRecord> said = h.outcomes(Outcome.SUPPRESSED).stream()
                .filter(d -> d.getAction() == Action.RESTORE).toList();
        assertEquals(1, said.size(), h.decisions.toString());
        assertTrue(said.get(0).getReason().contains(why), said.get(0).getReason());
    }

    @Test
    void shouldNotRestoreEverythingForAWindowOfDeletionsWhosePathsTheCollectorDidNotList() throws IOException {
        final EngineHarness h = harness("""
                  - name: many-deletions
                    on: [tick]
                    when: state.windowDeleted >= 10
                    cooldown: 1h
                    actions:
                      - action: RESTORE
                        from: window-deleted-paths
                """);
        // deletions counted, their paths not listed (a list the collector had to cut, a scan that lost them)
        final FileActivity fa = Fixtures.activity("d1", h.now).setDeleted(30).setComplete(false).build();
        h.handle(new Trigger.OfEvent(Fixtures.event("h1", "file.activity", fa, h.now)));
        h.advance(Duration.ofMinutes(1));

        h.tick();

        assertNoRestore(h, "no deleted path to restore");
    }

    @Test
    void shouldSayWhichDeletedFilesTheRestoreOfTheCollectorsIncompleteListLeavesOut() throws IOException {
        final EngineHarness h = new EngineHarness();
        h.register(dataset("d1", "h1", h.now).build());
        h.advance(Duration.ofMinutes(5));
        h.handle(new Trigger.OfResult(Fixtures.result("d1", "h1", h.lastCommand().getId(), Action.FULL,
                CommandStatus.SUCCEEDED, h.now).build()));
        h.advance(Duration.ofHours(1));
        final List<String> listed = new java.util.ArrayList<>();
        for (int i = 0; i < 300; i++) {
            listed.add("mail/" + i + ".eml");
        }
        // an rm -rf overflowed the watcher's queue: 500 deletions counted, 300 of them named
        final FileActivity fa = Fixtures.activity("d1", h.now).setDeleted(500).setDeletedPaths(listed)
                .setComplete(false).build();

        h.handle(new Trigger.OfEvent(Fixtures.event("h1", "file.activity", fa, h.now)));

        final DecisionRecord proposal = h.outcomes(Outcome.PROPOSED).get(0);
        assertTrue(proposal.getReason().contains("restores 300 path(s)"), proposal.getReason());
        assertTrue(proposal.getReason().contains("200 of the 500 files deleted are not listed"), proposal.getReason());
    }

    @Test
    void shouldNotRestoreEverythingWhenARuleOfDeletedPathsMatchesAnEventWithoutFileActivity() throws IOException {
        final EngineHarness h = harness("""
                  - name: lost-files
                    on: [event]
                    when: event.kind == 'fs.errors' || event.kind == 'file.activity' && event.file.deleted >= 50
                    actions:
                      - action: RESTORE
                        from: deleted-paths
                """);
        final HostEvent errors = HostEvent.newBuilder(Fixtures.event("h1", "fs.errors", null, h.now))
                .setAttributes(Map.of()).build();

        h.handle(new Trigger.OfEvent(errors));

        assertNoRestore(h, "no deleted path to restore");
    }
}
