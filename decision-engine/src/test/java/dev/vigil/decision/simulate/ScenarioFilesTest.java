package dev.vigil.decision.simulate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.decision.DecisionException;
import dev.vigil.schemas.DecisionRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every shipped scenario meets its expectations with the default rules: the rule set's behaviour, pinned. */
class ScenarioFilesTest {
    static Stream<Path> scenarios() throws IOException {
        return Files.list(Path.of("scenarios")).filter(p -> p.toString().endsWith(".yaml")).sorted();
    }

    /** Incidents the engine once handled wrongly, each replayed as the on-call operator would judge it. */
    static Stream<Path> incidents() throws IOException {
        return Files.list(Path.of("src/test/resources/incidents")).filter(p -> p.toString().endsWith(".yaml")).sorted();
    }

    @ParameterizedTest
    @MethodSource("scenarios")
    void shouldMeetEveryExpectationOfTheShippedScenario(final Path file) {
        final Simulator.Run run = Simulator.run(Scenario.read(file), null);

        assertTrue(run.ok(), file + ": " + run.failed());
    }

    @ParameterizedTest
    @MethodSource("incidents")
    void shouldHandleTheIncidentAsItsScenarioExpects(final Path file) {
        final Simulator.Run run = Simulator.run(Scenario.read(file), null);

        assertTrue(run.ok(), file + ": " + run.failed());
    }

    @Test
    void shouldHaveAScenarioForEveryDefaultRule() throws IOException {
        final String all = String.join("\n", Stream.concat(scenarios(), incidents()).map(p -> {
            try {
                return Files.readString(p);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).toList());
        for (final String rule : List.of("ransomware-like-mass-modification", "slow-ransomware-like-rewrite",
                "paused-ransomware-like-rewrite", "deletion-burst", "slow-deletion", "gradual-file-loss", "disk-errors",
                "disk-filling-up", "sustained-high-change-rate")) {
            assertTrue(all.contains("rule: " + rule), "no scenario expects rule " + rule);
        }
    }

    @Test
    void shouldReplayDeterministically() {
        final Scenario scenario = Scenario.read(Path.of("scenarios/ransomware.yaml"));

        final List<DecisionRecord> first = Simulator.run(scenario, null).decisions();
        final List<DecisionRecord> second = Simulator.run(scenario, null).decisions();

        assertEquals(first, second);
    }

    @Test
    void shouldFailAnExpectationThatIsNotMet(@TempDir final Path dir) throws IOException {
        final Path file = dir.resolve("s.yaml");
        Files.writeString(file, """
                datasets: [{id: d, host: h, path: /d, repository: /r}]
                expect: [{outcome: PROPOSED, action: RESTORE}]
                expect-not: [{outcome: COMMANDED, action: FULL}]
                """);

        final Simulator.Run run = Simulator.run(Scenario.read(file), null);

        assertFalse(run.ok());
        assertEquals(2, run.failed().size(), run.failed().toString());
    }

    @Test
    void shouldPlayOnAndReportAnAnswerToAProposalThatNeverCame(@TempDir final Path dir) throws IOException {
        final Path file = dir.resolve("s.yaml");
        Files.writeString(file, """
                datasets: [{id: d, host: h, path: /d, repository: /r}]
                steps: [{at: 1h, approve: last-proposal}]
                expect: [{outcome: COMMANDED, action: FULL}]
                """);

        final Simulator.Run run = Simulator.run(Scenario.read(file), null);

        assertFalse(run.ok());
        assertEquals(1, run.failed().size(), run.failed().toString());
        assertTrue(run.failed().get(0).contains("approve: no decision 'last-proposal' so far"), run.failed().get(0));
        assertFalse(run.decisions().isEmpty(), "the timeline up to the end is kept, to see why");
    }

    @Test
    void shouldRefuseAnExpectationOrAValueThatCouldNeverMatchOrMean(@TempDir final Path dir) throws IOException {
        final Path file = dir.resolve("s.yaml");
        for (final String[] bad : new String[][] {{"expect-not: [{outcome: COMMANDED, action: FUL}]", "action 'FUL'"},
            {"expect: [{outcom: COMMANDED}]", "unknown key 'outcom'"},
            {"expect: [{outcome: DONE}]", "outcome 'DONE'"},
            {"steps: [{at: 1h, anomaly: {host: h, score: high}}]", "score: a number"}}) {
            Files.writeString(file, "datasets: [{id: d, host: h, path: /d, repository: /r}]\n" + bad[0] + "\n");
            final DecisionException e = assertThrows(DecisionException.class,
                    () -> Simulator.run(Scenario.read(file), null), bad[0]);
            assertTrue(e.getMessage().contains(bad[1]), e.getMessage());
        }
    }

    @Test
    void shouldRefuseAStepOutOfOrderNamingIt(@TempDir final Path dir) throws IOException {
        final Path file = dir.resolve("s.yaml");
        Files.writeString(file, """
                datasets: [{id: d, host: h, path: /d, repository: /r}]
                steps:
                  - {at: 2h, anomaly: {host: h, score: 0.9}}
                  - {at: 1h, anomaly: {host: h, score: 0.9}}
                """);

        final DecisionException e = assertThrows(DecisionException.class, () -> Scenario.read(file));
        assertTrue(e.getMessage().contains("step 2"), e.getMessage());
    }

    @Test
    void shouldRefuseARecordWithAnUnknownFieldNamingTheStep(@TempDir final Path dir) throws IOException {
        final Path file = dir.resolve("s.yaml");
        Files.writeString(file, """
                datasets: [{id: d, host: h, path: /d, repository: /r}]
                steps:
                  - {at: 1h, anomaly: {host: h, score: 0.9, scroe: 1}}
                """);

        final DecisionException e = assertThrows(DecisionException.class,
                () -> Simulator.run(Scenario.read(file), null));
        assertTrue(e.getMessage().contains("step 1") && e.getMessage().contains("scroe"), e.getMessage());
    }
}
