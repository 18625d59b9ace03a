package dev.vigil.decision.engine;

import static dev.vigil.decision.Fixtures.dataset;
import static dev.vigil.decision.Fixtures.result;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.decision.rules.RuleBook;
import dev.vigil.schemas.Action;
import dev.vigil.schemas.BackupCommand;
import dev.vigil.schemas.CommandStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An urgent rule that keeps matching is contained: it does not issue a command whenever its lane is free. */
class UrgentRuleStormTest {
    @TempDir
    Path dir;

    private EngineHarness harness(final String cooldown) throws IOException {
        final Path rules = Files.writeString(dir.resolve("rules.yaml"), """
                rules:
                  - name: always
                    on: [tick]
                    when: "true"
                    priority: 1000
                """ + cooldown + """
                    actions:
                      - action: FULL
                        reason: full backup now
                """);
        return new EngineHarness(EngineSettings.defaults(), RuleBook.open(rules));
    }

    /** Three hours of one-minute ticks, the worker answering every command two minutes after it is issued. */
    private static List<BackupCommand> run(final EngineHarness h) {
        h.register(dataset("d1", "h1", h.now).build());
        final Instant end = h.now.plus(Duration.ofHours(3));
        while (h.now.isBefore(end)) {
            h.advance(Duration.ofMinutes(1));
            for (final BackupCommand c : List.copyOf(h.commands)) {
                if (h.now.equals(c.getTime().plus(Duration.ofMinutes(2)))) {
                    h.handle(new Trigger.OfResult(result("d1", "h1", c.getId(), c.getAction(),
                            CommandStatus.SUCCEEDED, h.now).build()));
                }
            }
            h.tick();
        }
        return h.commands.stream().filter(c -> c.getTags().contains("rule:always")).toList();
    }

    @Test
    void shouldLetAnUrgentRulePassTheCooldownOnlyOncePerWindowEvenWithACooldownOfZero() throws IOException {
        final List<BackupCommand> fulls = run(harness("    cooldown: 0s\n"));

        // guard.cooldown is 10m: the cooldown's own end, and one urgent pass within it
        for (final BackupCommand c : fulls) {
            final long within = fulls.stream().filter(o -> !o.getTime().isBefore(c.getTime())
                    && o.getTime().isBefore(c.getTime().plus(Duration.ofMinutes(10)))).count();
            assertTrue(within <= 2, within + " FULLs within 10m of " + c.getTime() + ": " + fulls.size() + " in all");
        }
        assertTrue(fulls.size() <= 3 * 60 / 10 * 2, fulls.size() + " FULLs in 3h");
        assertTrue(fulls.stream().allMatch(c -> c.getAction() == Action.FULL));
    }

    @Test
    void shouldGiveATickRuleWithoutACooldownTheTickDefault() throws IOException {
        final EngineHarness h = harness("");

        final List<BackupCommand> fulls = run(h);

        // it fires at the first tick (its FULL a duplicate of the first backup in flight), then once an hour
        assertEquals(List.of("11:01", "12:01"), fulls.stream().map(c -> c.getTime().toString().substring(11, 16))
                .toList());
    }
}
