package dev.vigil.decision.cli;

import dev.vigil.schemas.Verdict;
import dev.vigil.schemas.config.ClusterOptions;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vigil approve ID}: approve a proposal (a RESTORE or MIGRATE awaiting an operator). */
@Command(name = "approve", mixinStandardHelpOptions = true,
        description = {"Approve a proposal of the decision engine (PROPOSED in 'vigil watch decisions'): the engine",
            "then issues the signed command, e.g. a RESTORE onto the original location with overwrite.",
            "ID may be a unique suffix or prefix of 8+ characters (ids begin with their time: the last characters tell",
            "them apart). Waits for the engine's answer and prints it.",
            "Approving a decision that is not a proposal records it as feedback for 'vigil decide train'.",
            Answer.EXIT_CODES})
public final class ApproveCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Mixin
    ClusterOptions cluster;

    @Parameters(index = "0", paramLabel = "ID", description = "Decision id (or a unique prefix or suffix).")
    String id;

    @Option(names = "--reason", description = "Why, for the audit trail.")
    String reason;

    @Mixin
    AnswerOptions answer;

    @Override
    public Integer call() {
        final java.time.Duration back = answer.within(spec);
        final java.time.Duration patience = answer.patience(spec); // refused before anything is looked up
        return Answer.answer(cluster, Answer.find(spec, cluster, id, back), Verdict.APPROVE, null, reason,
                answer.operator, patience, answer.json);
    }
}
