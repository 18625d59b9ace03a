package dev.vigil.decision.cli;

import java.time.Duration;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** The options {@code vigil approve} and {@code vigil reject} share: who answers, where to look, how long to wait. */
final class AnswerOptions {
    @Option(names = "--operator", defaultValue = "${env:USER}", description = "Who, for the audit trail (default: $USER, "
            + "else the name of the user running it).")
    String operator;

    @Option(names = "--within", defaultValue = "7d", description = "How far back to look for the decision "
            + "(default: ${DEFAULT-VALUE}).")
    String within;

    // longer than Kafka's default session timeout (45 s): an approval sent as an engine instance dies is answered by
    // the one that takes its partitions over
    @Option(names = "--wait", defaultValue = "60s", description = "How long to wait for the engine's answer; 0s "
            + "does not wait (default: ${DEFAULT-VALUE}).")
    String wait;

    @Option(names = "--json", description = "Print the engine's answer (an audit record) as JSON; the feedback "
            + "record published when there is no answer to wait for (--wait 0s, not a proposal).")
    boolean json;

    Duration within(final CommandSpec spec) {
        return Answer.duration(spec, "--within", within);
    }

    Duration patience(final CommandSpec spec) {
        return Answer.duration(spec, "--wait", wait);
    }
}
