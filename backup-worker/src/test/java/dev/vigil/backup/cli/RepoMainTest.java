package dev.vigil.backup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code vigil-repo}'s lean command tree: the one subcommand named, the others when none is. */
class RepoMainTest {
    private static String run(final String... args) {
        final StringWriter out = new StringWriter();
        final CommandLine commandLine = VersionProvider.applyTo(RepoMain.commandLine(args));
        commandLine.setOut(new PrintWriter(out));
        assertEquals(0, commandLine.execute(args), out.toString());
        return out.toString();
    }

    @Test
    void shouldPrintTheVersionAtEveryLevel() {
        for (final String[] args : new String[][] {{"--version"}, {"backup", "--version"}, {"key", "add", "-V"}}) {
            assertTrue(run(args).startsWith("vigil "), String.join(" ", args));
        }
    }

    @Test
    void shouldPrintTheErrorDocumentOnBadUsageWithJson() throws Exception {
        final String[] args = {"backup", "--repo", "r", "--json", "--level", "WEEKLY", "src"};
        final StringWriter out = new StringWriter();
        final CommandLine commandLine = JsonUsageErrors.applyTo(RepoMain.commandLine(args));
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(new StringWriter()));

        assertEquals(ExitCodes.USAGE, commandLine.execute(args));
        final com.fasterxml.jackson.databind.JsonNode doc = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(out.toString());
        assertEquals(ExitCodes.USAGE, doc.path("exitCode").asInt());
        assertTrue(doc.path("error").asText().contains("'WEEKLY'"), out.toString());
    }

    @Test
    void shouldBuildOnlyTheSubcommandNamed() {
        assertEquals(1, RepoMain.commandLine(new String[] {"backup", "--help"}).getSubcommands().size());
        assertEquals(RepoCommand.class.getAnnotation(picocli.CommandLine.Command.class).subcommands().length,
                RepoMain.commandLine(new String[] {"--help"}).getSubcommands().size());
        assertTrue(run("backup", "--help").contains("Usage: vigil repo backup"));
    }
}
