package dev.vigil.backup.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/** Runs a {@code vigil repo} command in this JVM, as the launcher would, with what it prints captured. */
final class RepoCli {
    private RepoCli() {
    }

    /**
     * What a command returned and printed.
     *
     * @param code its exit code
     * @param out its standard output
     * @param err its standard error
     */
    record Result(int code, String out, String err) {
    }

    /**
     * @param args the arguments after {@code vigil repo}
     * @return what it returned and printed
     */
    static Result run(final String... args) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final PrintStream savedOut = System.out;
        final PrintStream savedErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        final int code;
        try {
            code = new CommandLine(new RepoCommand()).execute(args);
        } finally {
            System.setOut(savedOut);
            System.setErr(savedErr);
        }
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
