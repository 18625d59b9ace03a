package dev.vigil.deploy;

import dev.vigil.backup.cli.JsonUsageErrors;
import dev.vigil.decision.rules.RuleFileException;
import dev.vigil.schemas.IoErrors;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * Turns an exception escaping a command into one line on stderr and an exit code, instead of a
 * stack trace: operators read the message, the log (at debug) keeps the trace.
 *
 * <p>Exit codes: 1 the command failed, 2 bad usage (picocli), 3 bad configuration.
 */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
    /** The command failed. */
    static final int FAILED = 1;
    /** A configuration file or value was refused. */
    static final int BAD_CONFIG = 3;
    private static final Logger LOG = LoggerFactory.getLogger(ErrorHandler.class);

    @Override
    public int handleExecutionException(final Exception e, final CommandLine command,
                                        final CommandLine.ParseResult parseResult) {
        LOG.debug("{} failed", command.getCommandName(), e);
        final String name = command.getCommandSpec().qualifiedName();
        if (e instanceof ConfigException || e instanceof RuleFileException) {
            return report(command, parseResult, refused(name, e.getMessage()), BAD_CONFIG);
        }
        // The Kafka clients check their settings when built and wrap the refusal ("Failed to construct kafka
        // consumer"): what the operator must fix is the cause, e.g. bootstrap.servers=notahost.
        for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
            // a broker name that does not resolve yet (DNS not up at boot) is not a configuration to fix: exit 1, so
            // that a supervisor restarts the service
            if (c instanceof ConfigException && !String.valueOf(c.getMessage()).startsWith("No resolvable")) {
                return report(command, parseResult, refused(name, c.getMessage()), BAD_CONFIG);
            }
        }
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof org.apache.kafka.common.errors.TimeoutException) {
                return report(command, parseResult, name + ": " + e.getMessage() + " (no answer from Kafka at "
                        + bootstrap(parseResult) + ": is the broker running and reachable? see --bootstrap-server)",
                        FAILED);
            }
        }
        final Throwable io = e instanceof java.io.UncheckedIOException u ? u.getCause() : e;
        final String message = io instanceof java.io.IOException ioe ? IoErrors.describe(ioe)
                : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return report(command, parseResult, name + ": " + message, FAILED);
    }

    /** One wrong line on the same line; several (a file's every wrong line) one per line below. */
    private static String refused(final String command, final String message) {
        final String text = String.valueOf(message);
        return command + ": configuration refused:" + (text.contains("\n")
                ? "\n  " + text.replace("\n", "\n  ") : " " + text);
    }

    /**
     * Says it on stderr and, when the command was given {@code --json}, also as {@code {"error": ..., "exitCode": N}}
     * on stdout: a script reading stdout gets a document, as on bad usage.
     */
    private static int report(final CommandLine command, final CommandLine.ParseResult parseResult,
                              final String message, final int code) {
        command.getErr().println(message);
        if (json(parseResult)) {
            command.getOut().println(JsonUsageErrors.document(message, code));
            command.getOut().flush();
        }
        return code;
    }

    private static boolean json(final CommandLine.ParseResult parseResult) {
        for (CommandLine.ParseResult p = parseResult; p != null; p = p.subcommand()) {
            if (Boolean.TRUE.equals(p.matchedOptionValue("--json", Boolean.FALSE))) {
                return true;
            }
        }
        return false;
    }

    /** @return the broker address the command was given or defaulted to, or where it is set when it has none */
    private static String bootstrap(final CommandLine.ParseResult parseResult) {
        for (CommandLine.ParseResult p = parseResult; p != null; p = p.subcommand()) {
            final CommandLine.Model.OptionSpec option = p.commandSpec().findOption("--bootstrap-server");
            if (option != null && option.getValue() != null) {
                return option.getValue().toString();
            }
        }
        return "the configured bootstrap address";
    }
}
