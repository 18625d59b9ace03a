package dev.vigil.decision.cli;

import dev.vigil.schemas.Action;
import dev.vigil.schemas.Verdict;
import dev.vigil.schemas.config.ClusterOptions;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vigil reject ID --reason TEXT}: reject a proposal, or say a decision was wrong. */
@Command(name = "reject", mixinStandardHelpOptions = true,
        description = {"Reject a proposal of the decision engine: nothing is done and the rejection is audited.",
            "On a decision that is not a proposal, records that it was wrong (with --instead, what was right)",
            "as feedback for 'vigil decide train'. ID may be a unique suffix or prefix of 8+ characters (ids begin",
            "with their time: the last characters tell them apart).",
            Answer.EXIT_CODES})
public final class RejectCommand implements Callable<Integer> {
    @Mixin
    ClusterOptions cluster;

    @Parameters(index = "0", paramLabel = "ID", description = "Decision id (or a unique prefix or suffix).")
    String id;

    @Option(names = "--reason", required = true, description = "Why, for the audit trail and the model.")
    String reason;

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--instead", paramLabel = "ACTION", description = "The action that was right (NONE, INCREMENTAL, "
            + "DIFFERENTIAL, FULL, VERIFY): recorded as an override, a label for retraining.")
    String instead;

    @Mixin
    AnswerOptions answer;

    @Override
    public Integer call() {
        final String right = instead == null ? null : instead.toUpperCase(java.util.Locale.ROOT);
        if (right != null && !java.util.Set.of("NONE", "INCREMENTAL", "DIFFERENTIAL", "FULL", "VERIFY").contains(right)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--instead " + instead + ": expected NONE, "
                    + "INCREMENTAL, DIFFERENTIAL, FULL or VERIFY (the actions the model chooses among)");
        }
        final Action override = right == null || "NONE".equals(right) ? null : Action.valueOf(right);
        final java.time.Duration back = answer.within(spec);
        final java.time.Duration patience = answer.patience(spec); // refused before anything is looked up
        return Answer.answer(cluster, Answer.find(spec, cluster, id, back),
                instead == null ? Verdict.REJECT : Verdict.OVERRIDE, override, reason, answer.operator,
                patience, answer.json);
    }
}
