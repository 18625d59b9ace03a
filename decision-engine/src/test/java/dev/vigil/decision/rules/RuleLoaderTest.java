package dev.vigil.decision.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.decision.state.DatasetState;
import dev.vigil.decision.Fixtures;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RuleLoaderTest {
    private static List<String> problems(final String text) {
        return assertThrows(RuleFileException.class, () -> RuleLoader.load("r.yaml", text)).problems();
    }

    @Test
    void shouldLoadTheShippedRulesInPrecedenceOrder() {
        final RuleSet rules = RuleBook.open(null).rules();

        assertEquals(9, rules.rules().size());
        assertEquals("ransomware-like-mass-modification", rules.rules().get(0).name());
        assertEquals(12, rules.version().length());
    }

    @Test
    void shouldWarnAboutATickRuleWithoutACooldownAndGiveItTheTickDefault() {
        final RuleSet rules = RuleLoader.load("r.yaml", """
                rules:
                  - name: always
                    on: [tick]
                    when: "true"
                    priority: 1000
                    actions: [{action: FULL}]
                  - name: zero
                    on: [anomaly, tick]
                    when: "true"
                    cooldown: 0s
                    actions: [{action: FULL}]
                  - name: events
                    on: [event]
                    when: "true"
                    actions: [{action: FULL}]
                """);

        assertEquals(RuleLoader.TICK_COOLDOWN, rules.rules().stream().filter(r -> r.name().equals("always"))
                .findFirst().orElseThrow().cooldown());
        assertEquals(Duration.ZERO, rules.rules().stream().filter(r -> r.name().equals("zero")).findFirst()
                .orElseThrow().cooldown(), "an explicit cooldown stands");
        assertEquals(2, rules.warnings().size(), rules.warnings().toString());
        assertTrue(rules.warnings().get(0).startsWith("r.yaml:2: rule 'always': on tick without a cooldown"),
                rules.warnings().get(0));
        assertTrue(rules.warnings().get(1).startsWith("r.yaml:10: rule 'zero': on tick with cooldown 0"),
                rules.warnings().get(1));
    }

    @Test
    void shouldRefuseARestoreOfDeletedPathsInARuleThatNoFileActivityTriggers() {
        final List<String> problems = problems("""
                rules:
                  - name: deletion-anomaly
                    on: [anomaly, tick]
                    when: anomaly.series == 'dataset.files.deleted'
                    actions:
                      - action: RESTORE
                        from: deleted-paths
                  - name: burst
                    on: [event, anomaly]
                    when: "true"
                    actions: [{action: RESTORE, from: deleted-paths}]
                """);

        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("r.yaml:7: rule 'deletion-anomaly': from: deleted-paths restores the "
                + "paths one file-activity event deleted, and the rule is not on event"), problems.get(0));
    }

    @Test
    void shouldRefuseAnActionKeyGivenToAnActionItDoesNotApplyTo() {
        final List<String> problems = problems("""
                rules:
                  - name: offsite
                    on: [event]
                    when: event.kind == 'disk.error'
                    actions:
                      - action: MIGRATE
                        target: /mnt/offsite
                      - action: INCREMENTAL
                        every: 1h
                        for: 12h
                      - action: RESTORE
                        from: latest
                        target: /srv/restored
                      - action: INTERVAL
                        every: 1h
                        for: 12h
                        from: before-episode
                """);

        assertEquals(List.of(
                "r.yaml:7: rule 'offsite': target: applies to RESTORE only, not to MIGRATE (which copies to the "
                        + "dataset's offsiteRepository)",
                "r.yaml:9: rule 'offsite': every: applies to INTERVAL only, not to INCREMENTAL",
                "r.yaml:10: rule 'offsite': for: applies to INTERVAL only, not to INCREMENTAL",
                "r.yaml:17: rule 'offsite': from: applies to RESTORE only, not to INTERVAL"), problems);
    }

    @Test
    void shouldReportAMisspeltFieldOnTheLineOfTheExpression() {
        final List<String> problems = problems("""
                rules:
                  - name: typo
                    on: [event]
                    when: event.file.delted > 3
                    actions: [{action: FULL}]
                """);

        assertEquals(1, problems.size(), problems.toString());
        assertEquals("r.yaml:4:21: rule 'typo': when: undefined field 'delted'", problems.get(0));
    }

    @Test
    void shouldReportTheLineInsideALiteralBlockAndATypeError() {
        final List<String> problems = problems("""
                rules:
                  - name: block
                    on: [event]
                    when: |
                      event.kind == 'file.activity'
                      && event.file.deleted + 'x' > 3
                    actions: [{action: FULL}]
                """);

        assertTrue(problems.get(0).startsWith("r.yaml:6:29: rule 'block': when: found no matching overload"),
                problems.get(0));
    }

    @Test
    void shouldReportTheLineAndColumnInsideAFoldedBlock() {
        final List<String> problems = problems("""
                rules:
                  - name: folded
                    on: [event]
                    when: >
                      event.kind == 'file.activity'
                      && event.file.deleted > 3
                      && event.file.entropySampledByts > 0
                    actions: [{action: FULL}]
                """);

        // the file's column on line 7, not one in the folded text: CEL places an unknown field at the '.' before it
        assertEquals(List.of("r.yaml:7:20: rule 'folded': when: undefined field 'entropySampledByts'"), problems);
    }

    @Test
    void shouldReportASyntaxErrorOnTheSecondLineOfAFoldedBlockWhereItIs() {
        final List<String> problems = problems("""
                rules:
                  - name: folded
                    on: [event]
                    when: >
                      event.kind == 'file.activity'
                      && (event.file.deleted > 3
                    actions: [{action: FULL}]
                """);

        // the ')' is missing at the end of line 6 (26 characters after 6 of indentation), not on line 5 at column 1
        assertEquals(List.of("r.yaml:6:33: rule 'folded': when: missing ')' at '<EOF>'"), problems);
    }

    @Test
    void shouldReportASyntaxErrorOnTheSecondLineOfALiteralBlockWhereItIs() {
        final List<String> problems = problems("""
                rules:
                  - name: literal
                    on: [event]
                    when: |
                      event.kind == 'file.activity'
                      && event.file.deleted > 3 &&
                    actions: [{action: FULL}]
                """);

        // the operand is missing after the '&&' that ends line 6, not on line 7 (the actions)
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("r.yaml:6:35: rule 'literal': when: mismatched input '<EOF>'"),
                problems.get(0));
    }

    @Test
    void shouldPlaceAnErrorAfterABlankAndAMoreIndentedLineOfAFoldedBlockAndInAPlainScalarOverTwoLines() {
        final List<String> problems = problems("""
                rules:
                  - name: folded
                    on: [event]
                    when: >
                      event.kind == 'file.activity'

                      && event.file.deleted > 3
                        && state.hasBackp
                    actions: [{action: FULL}]
                  - name: plain
                    on: [event]
                    when: event.kind == 'file.activity' &&
                      state.hasBackp
                    actions: [{action: FULL}]
                """);

        // CEL places an unknown field at the '.' before it
        assertEquals(List.of("r.yaml:8:17: rule 'folded': when: undefined field 'hasBackp'",
                "r.yaml:13:12: rule 'plain': when: undefined field 'hasBackp'"), problems);
    }

    @Test
    void shouldReportEveryCelErrorOfAnExpressionEachWithItsPlace() {
        final List<String> problems = problems("""
                rules:
                  - name: plain
                    on: [event]
                    when: event.file.deletd > 3 && state.hasBackp
                    actions: [{action: FULL}]
                  - name: quoted
                    on: [event]
                    when: "event.file.deletd > 3 && state.hasBackp"
                    actions: [{action: FULL}]
                  - name: reason
                    on: [event]
                    when: "true"
                    actions: [{action: FULL, reason: "${state.gone} and ${state.what}"}]
                """);

        assertEquals(List.of("r.yaml:4:21: rule 'plain': when: undefined field 'deletd'",
                "r.yaml:4:41: rule 'plain': when: undefined field 'hasBackp'",
                "r.yaml:8:22: rule 'quoted': when: undefined field 'deletd'",
                "r.yaml:8:42: rule 'quoted': when: undefined field 'hasBackp'",
                "r.yaml:13:46: rule 'reason': reason: in ${state.gone}: undefined field 'gone'",
                "r.yaml:13:64: rule 'reason': reason: in ${state.what}: undefined field 'what'"), problems);
    }

    @Test
    void shouldQuoteTheFragmentWhenTheScalarCannotBeMappedToTheFile() {
        // '' stands for ' in a single-quoted scalar, so the expression's text is not the file's
        final List<String> problems = problems("""
                rules:
                  - name: quoted
                    on: [event]
                    when: 'event.kind == ''file.activity'' && event.file.deletd > 3'
                    actions: [{action: FULL}]
                """);

        assertEquals(List.of("r.yaml:4: rule 'quoted': when: undefined field 'deletd' (at '.deletd > 3')"),
                problems);
    }

    @Test
    void shouldRefuseARelativeRestoreTarget() {
        final List<String> problems = problems("""
                rules:
                  - name: restore-here
                    on: [event]
                    when: event.kind == 'file.activity'
                    actions: [{action: RESTORE, from: latest, target: relative/dir}]
                """);
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("r.yaml:5: rule 'restore-here': ") && problems.get(0).contains(
                "target: 'relative/dir' is neither 'original' nor an absolute path"), problems.get(0));
    }

    @Test
    void shouldRefuseARestoreTargetThatClimbsOutOfItself() {
        final List<String> problems = problems("""
                rules:
                  - name: restore-aside
                    on: [event]
                    when: event.kind == 'file.activity'
                    actions: [{action: RESTORE, from: latest, target: /srv/restored/../../etc}]
                """);
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).startsWith("r.yaml:5: rule 'restore-aside': ") && problems.get(0).contains(
                "target: '/srv/restored/../../etc' has a '..'"), problems.get(0));
    }

    @Test
    void shouldReportEveryProblemOfTheFileAtOnce() {
        final List<String> problems = problems("""
                rules:
                  - name: a
                    on: [event, nightly]
                    when: event.kind == 'x'
                    prioirty: 5
                    actions: [{action: BACKUP}]
                  - name: a
                    on: [tick]
                    when: "state.chainLength > ("
                    actions: []
                """);

        assertTrue(problems.contains("r.yaml:3: rule 'a': on: 'nightly' is not a trigger; use [anomaly, event, "
                + "forecast, stats, tick]"), problems.toString());
        assertTrue(problems.contains("r.yaml:5: rule 'a': unknown key 'prioirty'; did you mean 'priority'?"),
                problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("r.yaml:6: rule 'a': action: 'BACKUP' is not one of")),
                problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("r.yaml:9:33: rule 'a': when:")), problems.toString());
        assertTrue(problems.contains("r.yaml:10: rule 'a': actions: required, a non-empty list"),
                problems.toString());
    }

    @Test
    void shouldRefuseAProtectThatIsNotABooleanAndAnActionWithoutAction() {
        final List<String> problems = problems("""
                rules:
                  - name: p
                    on: [tick]
                    when: "true"
                    actions:
                      - {action: FULL, protect: yes}
                      - {reason: "no action"}
                """);

        assertTrue(problems.contains("r.yaml:6: rule 'p': protect: true or false, was 'yes'"), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("r.yaml:7: rule 'p': action: required, one of FULL")),
                problems.toString());
    }

    @Test
    void shouldReportDuplicateNamesAndBadYaml() {
        assertTrue(problems("""
                rules:
                  - {name: x, on: [tick], when: "true", actions: [{action: VERIFY}]}
                  - {name: x, on: [tick], when: "true", actions: [{action: VERIFY}]}
                """).contains("r.yaml:3: rule 'x': name already used on line 2"));
        assertTrue(problems("rules:\n  - name: [unclosed\n").get(0).startsWith("r.yaml:3: not valid YAML"));
    }

    @Test
    void shouldRefuseABadTemplateInAReason() {
        final List<String> problems = problems("""
                rules:
                  - name: t
                    on: [event]
                    when: "true"
                    actions: [{action: FULL, reason: "deleted ${event.file.gone}"}]
                """);

        assertEquals(List.of("r.yaml:5:59: rule 't': reason: in ${event.file.gone}: undefined field 'gone'"), problems);
    }

    @Test
    void shouldEvaluateConditionsAndRenderReasonsOverTheDocumentedContext() {
        final RuleSet rules = RuleLoader.load("r.yaml", """
                rules:
                  - name: hot-disk
                    on: [stats]
                    when: stats.series.startsWith('system.disk') && stats.p95 > 0.9 && state.sinceBackup > duration('1h')
                    priority: 70
                    cooldown: 30m
                    actions: [{action: INCREMENTAL, reason: "p95 ${stats.p95} on ${dataset.id}, last backup ${state.sinceBackup} ago"}]
                """);
        final Instant now = Instant.parse("2026-01-05T12:00:00Z");
        final DatasetState state = DatasetState.fresh("d1", "h1");
        state.lastBackupAt = now.minus(Duration.ofHours(3)).toEpochMilli();
        final RuleContext context = RuleContext.of("stats", now, RuleContext.dataset(Fixtures.dataset("d1", "h1", now)
                .build()), RuleContext.state(state, now.toEpochMilli(), 0, Duration.ofHours(1), Duration.ofHours(24),
                null, false))
                .with(dev.vigil.schemas.StatsWindow.newBuilder().setId("s").setHost("h1").setTime(now)
                        .setSeries("system.disk.utilization").setWindow("1m").setWindowStart(now).setCount(1)
                        .setMean(0.9).setMin(0.9).setMax(0.99).setVariance(0).setStddev(0).setP95(0.97).build());

        final List<RuleSet.Firing> fired = rules.evaluate(context);

        assertEquals(1, fired.size());
        assertEquals("p95 0.97 on d1, last backup 3h ago", fired.get(0).reasons().get(0));
        assertEquals(Duration.ofMinutes(30), fired.get(0).rule().cooldown());
        assertTrue(rules.evaluate(RuleContext.of("tick", now, context.dataset(), context.state())).isEmpty());
    }
}
