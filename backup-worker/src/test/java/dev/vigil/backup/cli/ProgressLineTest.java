package dev.vigil.backup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ProgressLineTest {
    private static final long MIB = 1 << 20;

    @Test
    void shouldSayHowFarAndHowLongIsLeftOnceThereIsARate() {
        assertEquals(RepoSubcommand.bytes(12 * MIB) + " of " + RepoSubcommand.bytes(48 * MIB) + " (25 %)",
                ProgressLine.ofTotal(12 * MIB, 48 * MIB, 1_000_000_000L), "too early for a rate");
        assertEquals(RepoSubcommand.bytes(12 * MIB) + " of " + RepoSubcommand.bytes(48 * MIB)
                + " (25 %, about 9 s left)", ProgressLine.ofTotal(12 * MIB, 48 * MIB, 3_000_000_000L));
        assertEquals(RepoSubcommand.bytes(48 * MIB) + " of " + RepoSubcommand.bytes(48 * MIB) + " (99 %)",
                ProgressLine.ofTotal(48 * MIB + 5, 48 * MIB, 9_000_000_000L), "100 % only once it is over");
        assertEquals(RepoSubcommand.bytes(5 * MIB), ProgressLine.ofTotal(5 * MIB, 0, 9_000_000_000L),
                "no total known: how much only");
    }
}
