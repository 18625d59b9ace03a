package dev.vigil.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole loop on the real services and a real broker, as a newcomer runs it: a published metric
 * spike leads to an anomaly, a signed backup command, an executed backup and its result; deleted
 * files lead to an approved restore that brings them back byte-identical. Slow: about a minute.
 */
class DemoIT {

    @Test
    void shouldPlayTheWholeIncidentAndExitZero(@TempDir final Path dir) throws Exception {
        final ByteArrayOutputStream captured = new ByteArrayOutputStream();
        final PrintStream original = System.out;
        final int exit;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            exit = Vigil.commandLine().execute("demo", "--dir", dir.resolve("demo").toString(), "--keep",
                    "--step-timeout", "120s");
        } finally {
            System.setOut(original);
        }
        final String out = captured.toString(StandardCharsets.UTF_8);
        original.println(out);
        assertEquals(0, exit, out);
        assertTrue(out.contains("ANOMALY  OPEN"), out);
        assertTrue(out.matches("(?s).*DECISION COMMANDED\\s+INCREMENTAL.*|(?s).*DECISION COMMANDED\\s+DIFFERENTIAL.*"
                + "|(?s).*DECISION COMMANDED\\s+FULL.*"), out);
        assertTrue(out.contains("DECISION PROPOSED   RESTORE"), out);
        assertTrue(out.contains("RESULT   SUCCEEDED RESTORE"), out);
        assertTrue(out.contains("byte-identical to before the loss"), out);
        // The repository it left behind is a real one: encrypted, with its format marker and packs.
        assertTrue(Files.isDirectory(dir.resolve("demo/repository")), "no repository written");
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir.resolve("demo/repository.password"))), "the password is its owner's");
    }
}
