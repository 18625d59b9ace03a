package dev.vigil.backup.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.schemas.FileActivity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalStoreTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    @TempDir
    Path dir;

    private static FileActivity interval(final String dataset, final long seq, final List<String> changed) {
        return FileActivity.newBuilder().setDataset(dataset).setIntervalStart(T0.plusSeconds(10 * (seq - 1)))
                .setIntervalEnd(T0.plusSeconds(10 * seq)).setJournalSequence(seq).setWatcherEpoch("e")
                .setComplete(true).setChangedPaths(changed).build();
    }

    @Test
    void shouldKeepEachIntervalOnceAndOnlyForServedDatasetsAcrossRestarts() {
        final JournalStore store = new JournalStore(dir, List.of("ds", "a/b"), 1000);
        assertTrue(store.append(interval("ds", 1, List.of("x"))));
        assertFalse(store.append(interval("ds", 1, List.of("x"))), "a redelivered interval is known");
        assertFalse(store.append(interval("other", 1, List.of("x"))), "not served");
        assertTrue(store.append(interval("a/b", 1, List.of())), "any dataset id makes a file name");
        assertTrue(store.append(interval("ds", 2, List.of("y"))));

        final JournalStore again = new JournalStore(dir, List.of("ds", "a/b"), 1000);
        assertEquals(2, again.size("ds"));
        assertEquals(1, again.size("a/b"));
        final var plan = again.journal("ds").plan("ds", T0.plusSeconds(5), T0.plusSeconds(20));
        assertTrue(plan.usable(), plan.reason());
        assertEquals(java.util.Set.of("x", "y"), plan.changed());
    }

    @Test
    void shouldForgetCoveredIntervalsAndSkipATornLine() throws Exception {
        final JournalStore store = new JournalStore(dir, List.of("ds"), 1000);
        for (int i = 1; i <= 4; i++) {
            store.append(interval("ds", i, List.of("f" + i)));
        }
        store.covered("ds", T0.plusSeconds(20));
        assertEquals(2, store.size("ds"), "intervals 1 and 2 ended at or before the coverage point");
        Files.writeString(dir.resolve("ds.jsonl"), "{\"dataset\": \"ds\", \"interv", StandardOpenOption.APPEND);

        final JournalStore again = new JournalStore(dir, List.of("ds"), 1000);
        assertEquals(2, again.size("ds"));
        assertTrue(again.append(interval("ds", 5, List.of())), "appends after a torn line");
        assertEquals(3, new JournalStore(dir, List.of("ds"), 1000).size("ds"));
    }

    @Test
    void shouldDropTheOldestIntervalsBeyondTheLimit() {
        final JournalStore store = new JournalStore(dir, List.of("ds"), 10);
        for (int i = 1; i <= 11; i++) {
            store.append(interval("ds", i, List.of()));
        }
        assertTrue(store.size("ds") <= 10, "at most the limit");
        final var plan = store.journal("ds").plan("ds", T0.plusSeconds(5), T0.plusSeconds(110));
        assertFalse(plan.usable(), "the journal no longer reaches back to the parent");
        assertEquals(store.size("ds"), new JournalStore(dir, List.of("ds"), 10).size("ds"));
    }

    @Test
    void shouldStillTellACollectorIsDeliveringAfterABackupCoveredItsIntervals() {
        final JournalStore store = new JournalStore(dir, List.of("ds"), 1000);
        assertFalse(store.journal("ds").activeSince("ds", T0), "nothing received: no collector to wait for");
        store.append(interval("ds", 1, List.of("x")));
        store.covered("ds", T0.plusSeconds(10));

        assertEquals(0, store.size("ds"));
        assertTrue(store.journal("ds").activeSince("ds", T0.plusSeconds(5)), "its last interval ended at 10 s");
        assertFalse(store.journal("ds").activeSince("ds", T0.plusSeconds(10)));
    }
}
