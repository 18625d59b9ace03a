package dev.vigil.deploy.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.deploy.Vigil;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class DemoCommandTest {

    @Test
    void shouldRefuseADirectoryThatHoldsFilesSinceTheDemoRemovesItsDirectoryWhenItEnds(@TempDir final Path dir)
            throws Exception {
        final Path mine = Files.writeString(dir.resolve("notes.txt"), "mine");
        final StringWriter err = new StringWriter();
        final CommandLine cli = Vigil.commandLine();
        cli.setErr(new PrintWriter(err));

        final int exit = cli.execute("demo", "--dir", dir.toString());

        assertTrue(Files.exists(mine), "the demo removed a file it did not write (exit " + exit + ")");
        assertEquals(2, exit, err.toString());
        assertTrue(err.toString().contains("--dir " + dir + " is not empty"), err.toString());
    }
}
