package dev.vigil.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.schemas.security.CommandSignature;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code vigil keys id}: which key a file holds, by the id commands carry and workers name when they refuse one. */
class KeysCommandTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(final String... args) {
        final CommandLine cli = Vigil.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        return cli.execute(args);
    }

    @Test
    void shouldPrintTheKeyIdOfAPublicAndOfAPrivateKeyFile() throws Exception {
        final KeyPair old = CommandSignature.generate();
        final KeyPair next = CommandSignature.generate();
        CommandSignature.write(old, dir.resolve("engine.key"));
        CommandSignature.write(next, dir.resolve("engine-2.key"));
        final String oldId = CommandSignature.keyId(old.getPublic());
        final String nextId = CommandSignature.keyId(next.getPublic());

        assertEquals(0, run("keys", "id", dir.resolve("engine.key.pub").toString(),
                dir.resolve("engine-2.key").toString()), err.toString());

        assertEquals(oldId + " public " + dir.resolve("engine.key.pub") + "\n" + nextId + " private "
                + dir.resolve("engine-2.key") + "\n", out.toString());
        out.getBuffer().setLength(0);
        assertEquals(0, run("keys", "id", "--json", dir.resolve("engine-2.key.pub").toString()));
        assertEquals("[{\"file\":\"" + dir.resolve("engine-2.key.pub") + "\",\"keyId\":\"" + nextId
                + "\",\"kind\":\"public\"}]\n", out.toString());
    }

    @Test
    void shouldRefuseAFileThatHoldsNoKeyNamingItAndPrintNothing() throws Exception {
        CommandSignature.write(CommandSignature.generate(), dir.resolve("engine.key"));
        final Path garbage = Files.writeString(dir.resolve("garbage.pub"), "bm90IGEga2V5\n");

        assertEquals(1, run("keys", "id", dir.resolve("engine.key.pub").toString(), garbage.toString()));

        assertEquals("", out.toString());
        assertTrue(err.toString().contains(garbage + ": not an Ed25519 public key"), err.toString());
        assertEquals(1, run("keys", "id", dir.resolve("missing.pub").toString()));
        assertTrue(err.toString().contains(dir.resolve("missing.pub") + ": no such file or directory"), err.toString());
    }

    @Test
    void shouldSayThatAFileWithoutAKeyIsAWorkersSlotForTheNextKey() throws Exception {
        final KeyPair pair = CommandSignature.generate();
        CommandSignature.write(pair, dir.resolve("engine.key"));
        final Path slot = Files.writeString(dir.resolve("next.pub"), "none\n");

        assertEquals(0, run("keys", "id", dir.resolve("engine.key.pub").toString(), slot.toString()), err.toString());

        assertEquals(CommandSignature.keyId(pair.getPublic()) + " public " + dir.resolve("engine.key.pub") + "\n- none "
                + slot + "\n", out.toString());
        out.getBuffer().setLength(0);
        assertEquals(0, run("keys", "id", "--json", slot.toString()));
        assertEquals("[{\"file\":\"" + slot + "\",\"keyId\":null,\"kind\":\"none\"}]\n", out.toString());
    }

    @Test
    void shouldRefuseAPublicKeyOrNoneThatEveryUserMayWriteAsAWorkerDoes() throws Exception {
        CommandSignature.write(CommandSignature.generate(), dir.resolve("engine.key"));
        final Path slot = Files.writeString(dir.resolve("next.pub"), "none\n");
        for (final Path file : List.of(slot, dir.resolve("engine.key.pub"))) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-rw-"));
            out.getBuffer().setLength(0);

            assertEquals(1, run("keys", "id", file.toString()), file.toString());

            assertEquals("", out.toString());
            assertTrue(err.toString().contains(file + ": writable by every user of this host")
                    && err.toString().contains("chmod o-w " + file), err.toString());
        }
    }
}
