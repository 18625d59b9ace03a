package dev.vigil.backup.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;

/**
 * Bad usage (an unknown option, a value of the wrong type) with {@code --json} among the arguments also prints the
 * error document the commands print on any other failure, {@code {"error": ..., "exitCode": 2}} on stdout: a script
 * that reads stdout gets a document, not an empty stream. On stderr: the error, picocli's suggestions, and where the
 * help is.
 */
public final class JsonUsageErrors {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private JsonUsageErrors() {
    }

    /**
     * @param commandLine a command line, configured otherwise
     * @return the same, with its parameter exception handler wrapped
     */
    public static CommandLine applyTo(final CommandLine commandLine) {
        return commandLine.setParameterExceptionHandler((e, args) -> {
            // The error and where help is, as git and coreutils say it: a whole help page would push the error itself
            // off the screen
            final CommandLine cl = e.getCommandLine();
            cl.getErr().println(cl.getColorScheme().errorText(e.getMessage()));
            CommandLine.UnmatchedArgumentException.printSuggestions(e, cl.getErr());
            cl.getErr().println("Try '" + cl.getCommandSpec().qualifiedName() + " --help' for more information.");
            cl.getErr().flush();
            final int code = cl.getExitCodeExceptionMapper() != null ? cl.getExitCodeExceptionMapper().getExitCode(e)
                    : cl.getCommandSpec().exitCodeOnInvalidInput();
            if (Arrays.stream(args).anyMatch(a -> a.equals("--json") || a.equalsIgnoreCase("--json=true"))) {
                e.getCommandLine().getOut().println(document(e.getMessage(), code));
                e.getCommandLine().getOut().flush();
            }
            return code;
        });
    }

    /**
     * @param error what went wrong
     * @param code the exit code
     * @return the error document a command given {@code --json} prints on stdout when it fails, on one line
     */
    public static String document(final String error, final int code) {
        final Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("error", error);
        doc.put("exitCode", code);
        try {
            return MAPPER.writeValueAsString(doc);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a map of a string and a number is JSON", e);
        }
    }
}
