package dev.vigil.decision.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The horizon's count of near-random rewrites ({@link DatasetState#rewroteOverHorizon}) takes each path once while the
 * hour that counted it is held, and the paths it remembers for that stay a small part of the state, which is written
 * to the changelog at every file-activity interval. The state goes through its JSON between intervals, as in the store.
 */
class HorizonRewritesTest {
    private static final JsonSerde<DatasetState> JSON = new JsonSerde<>(DatasetState.class);
    private static final long T0 = Instant.parse("2026-01-05T08:00:00Z").toEpochMilli();
    private static final long HORIZON = Duration.ofHours(24).toMillis();

    /** One near-random interval of ten seconds at {@code at}, as the engine counts it; returns the state as stored. */
    private static DatasetState rewrite(final DatasetState state, final long at, final List<String> paths) {
        state.tally(at, at + 10_000, 0, 0, at - HORIZON);
        state.rewroteOverHorizon(paths.size(), paths, at);
        return JSON.deserialize("t", JSON.serialize("t", state));
    }

    private static long horizonRewrites(final DatasetState state) {
        return state.tallies.stream().mapToLong(DatasetState.Tally::rewritten).sum();
    }

    private static List<String> paths(final String prefix, final int n) {
        return IntStream.range(0, n).mapToObj(i -> prefix + "/report-" + i + ".docx").toList();
    }

    @Test
    void shouldCountAgainAFileRewrittenMoreThanAHorizonAgo() {
        DatasetState state = DatasetState.fresh("docs", "fs1");
        state = rewrite(state, T0, List.of("docs/budget.xlsx")); // saved by its owner, encrypted at rest

        // two days later, ransomware reaches it and another file
        state = rewrite(state, T0 + 2 * HORIZON, List.of("docs/budget.xlsx", "docs/plan.docx"));

        assertEquals(2, horizonRewrites(state), "both files rewritten within the horizon count: " + state.tallies);
    }

    @Test
    void shouldCountAFileRewrittenAgainWithinTheHorizonOnce() {
        DatasetState state = DatasetState.fresh("docs", "fs1");
        state = rewrite(state, T0, paths("docs", 40));
        for (long at = T0 + Duration.ofMinutes(30).toMillis(); at < T0 + HORIZON - 3_600_000L; at += 1_800_000L) {
            state = rewrite(state, at, paths("docs", 40)); // the same 40 documents, saved all day
        }

        assertEquals(40, horizonRewrites(state));
    }

    @Test
    void shouldCountOnceAFileRewrittenBeforeTheSnapshotARestoreTookBack() {
        DatasetState state = DatasetState.fresh("docs", "fs1");
        state = rewrite(state, T0, List.of("docs/budget.xlsx")); // before the snapshot: the hour still counts it
        state = rewrite(state, T0 + 3 * 3_600_000L, List.of("docs/plan.docx"));
        state.restored(List.of(), T0 + 2 * 3_600_000L); // the snapshot of 10:00, whole

        state = rewrite(state, T0 + 4 * 3_600_000L, List.of("docs/budget.xlsx", "docs/plan.docx"));

        assertEquals(2, horizonRewrites(state), "budget.xlsx counted once, plan.docx again: " + state.tallies);
    }

    @Test
    void shouldKeepEveryPathOfAFullHorizonInAFewBytesEach() {
        DatasetState state = DatasetState.fresh("docs", "fs1");
        state = rewrite(state, T0, List.of("docs/first.docx"));
        final List<String> all = paths("share/projects/2026", DatasetState.HORIZON_REWRITE_PATHS);
        for (int hour = 0; hour < 16; hour++) { // a batch an hour
            state = rewrite(state, T0 + (hour + 1) * 3_600_000L, all.subList(hour * 256, (hour + 1) * 256));
        }
        final int full = JSON.serialize("t", state).length;
        final DatasetState without = JSON.deserialize("t", JSON.serialize("t", state));
        without.horizonRewritten = new ArrayList<>();
        final int paths = full - JSON.serialize("t", without).length;

        // every one held (the first path was the oldest, past the bound): rewritten again, none counts
        final long before = horizonRewrites(state);
        state = rewrite(state, T0 + 17 * 3_600_000L, all);
        assertEquals(before, horizonRewrites(state));
        // 4 base64 characters a path, and some 40 a held hour: as JSON numbers they took about 45 KB
        assertTrue(paths <= DatasetState.HORIZON_REWRITE_PATHS * 4 + 17 * 50,
                "the remembered paths take " + paths + " bytes of the state's " + full);
    }

    @Test
    void shouldReadAStateThatHeldThePathsAsAPlainListOfHashes() throws Exception {
        DatasetState state = rewrite(DatasetState.fresh("docs", "fs1"), T0, List.of());
        final ObjectNode json = (ObjectNode) JsonSerde.MAPPER.readTree(JSON.serialize("t", state));
        json.remove("horizonRewritten");
        json.putArray("horizonRewrittenPaths").add("docs/budget.xlsx".hashCode()).add("docs/plan.docx".hashCode());
        state = JSON.deserialize("t", json.toString().getBytes(StandardCharsets.UTF_8));

        state = rewrite(state, T0 + 600_000L, List.of("docs/budget.xlsx", "docs/minutes.docx"));
        assertEquals(1, horizonRewrites(state), "held from before: " + state.tallies);
        state = rewrite(state, T0 + 2 * HORIZON, List.of("docs/plan.docx"));
        assertEquals(1, horizonRewrites(state), "a horizon later, counted again: " + state.tallies);
    }

    @Test
    void shouldReadAStateWrittenBeforeThePathsWereKept() throws Exception {
        DatasetState state = rewrite(DatasetState.fresh("docs", "fs1"), T0, List.of());
        final ObjectNode json = (ObjectNode) JsonSerde.MAPPER.readTree(JSON.serialize("t", state));
        json.remove("horizonRewritten");
        state = JSON.deserialize("t", json.toString().getBytes(StandardCharsets.UTF_8));

        final List<String> twice = new ArrayList<>(paths("docs", 3));
        twice.addAll(paths("docs", 3));
        state = rewrite(state, T0 + 600_000L, twice);

        assertEquals(3, horizonRewrites(state));
    }
}
