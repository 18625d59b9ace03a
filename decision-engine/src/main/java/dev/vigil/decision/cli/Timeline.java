package dev.vigil.decision.cli;

import dev.vigil.decision.simulate.Simulator;
import dev.vigil.schemas.BackupCommand;
import dev.vigil.schemas.DecisionRecord;
import dev.vigil.schemas.Durations;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** A simulation as text for people: one line per decision, its explanation beneath, then the verdict. */
final class Timeline {
    private Timeline() {
    }

    static String render(final Simulator.Run run) {
        final StringBuilder b = new StringBuilder();
        b.append("scenario ").append(run.scenario().name());
        if (!run.scenario().description().isBlank()) {
            b.append(": ").append(run.scenario().description().strip());
        }
        b.append('\n');
        final Map<String, BackupCommand> commands = new HashMap<>();
        run.commands().forEach(c -> commands.put(c.getId(), c));
        for (final DecisionRecord d : run.decisions()) {
            b.append(String.format("%-9s %-10s %-12s %-12s %-8s %s%n",
                    "+" + Durations.format(Duration.between(run.scenario().start(), d.getTime())),
                    d.getDataset() == null ? "-" : d.getDataset(), d.getOutcome(),
                    d.getAction() == null ? "-" : d.getAction(), d.getSource(), d.getReason()));
            if (d.getRule() != null) {
                b.append("          rule: ").append(d.getRule()).append('\n');
            }
            if (!d.getExplanation().isBlank()) {
                b.append("          why:  ").append(d.getExplanation()).append('\n');
            }
            final BackupCommand c = d.getCommandId() == null ? null : commands.get(d.getCommandId());
            if (c != null) {
                b.append("          cmd:  ").append(c.getId()).append(" to ").append(c.getHost())
                        .append(c.getProtect() ? ", protect" : "").append(c.getOverwrite() ? ", overwrite" : "")
                        .append(c.getBeforeTime() == null ? "" : ", snapshot before " + c.getBeforeTime())
                        .append(c.getPaths().isEmpty() ? "" : ", paths " + c.getPaths()).append('\n');
            }
        }
        b.append(run.decisions().size()).append(" decisions, ").append(run.commands().size()).append(" commands\n");
        if (run.ok()) {
            b.append("every expectation met\n");
        } else {
            run.failed().forEach(f -> b.append("FAILED: ").append(f).append('\n'));
        }
        return b.toString();
    }
}
