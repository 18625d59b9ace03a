package dev.vigil.backup.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import dev.vigil.embedded.junit.LogCapture;
import dev.vigil.schemas.security.CommandSignature;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The worker's public key files, read again when they change: real files, no worker. */
class TrustedKeysTest {
    @TempDir
    Path dir;

    private final KeyPair a = CommandSignature.generate();
    private final KeyPair b = CommandSignature.generate();
    private final String idA = CommandSignature.keyId(a.getPublic());
    private final String idB = CommandSignature.keyId(b.getPublic());

    @Test
    void shouldObeyTheKeyAReplacedFileHoldsAndNoLongerTheOneItHeldWithOneInfo() throws Exception {
        final Path slot = pub("engine.pub", a);
        try (TrustedKeys keys = new TrustedKeys(config(slot));
             LogCapture log = new LogCapture(TrustedKeys.class, Level.INFO)) {
            assertEquals(Set.of(idA), keys.current().keySet());

            replace(slot, b);

            assertEquals(Set.of(idB), keys.current().keySet(), "the next command is judged by the new content");
            assertEquals(Set.of(idB), keys.current().keySet());
            assertEquals(1, log.messages().size(), log.messages().toString());
            assertTrue(log.messages().get(0).contains("key id(s) [" + idB + "] from now on (before: [" + idA + "])")
                    && log.messages().get(0).contains(slot + " changed"), log.messages().get(0));
        }
    }

    @Test
    void shouldDropTheKeyOfAChangedFileThatCannotBeTrustedKeepTheOthersAndSaySoOncePerChange() throws Exception {
        // revocation fails closed: whatever the operator (or an accident) does to the leaked key's file, its key goes
        final Path leaked = pub("engine-a.pub", a);
        final Path other = pub("engine-b.pub", b);
        final Path privateKey = dir.resolve("a.key");
        CommandSignature.write(a, privateKey);
        final Map<String, ThrowingConsumer<Path>> damages = new java.util.LinkedHashMap<>();
        damages.put("no such file", Files::delete);
        damages.put("not an Ed25519 public key", f -> replace(f, "bm90IGEga2V5\n"));
        damages.put("a private key, where its public key belongs", f -> replace(f, Files.readString(privateKey)));
        damages.put("writable by every user", f -> Files.setPosixFilePermissions(f,
                PosixFilePermissions.fromString("rw-rw-rw-")));
        damages.put("not an Ed25519 public key (empty)", f -> replace(f, ""));
        try (TrustedKeys keys = new TrustedKeys(config(leaked, other))) {
            for (final Map.Entry<String, ThrowingConsumer<Path>> damage : damages.entrySet()) {
                try (LogCapture log = new LogCapture(TrustedKeys.class, Level.INFO)) {
                    damage.getValue().accept(leaked);
                    assertEquals(Set.of(idB), keys.current().keySet(), damage.getKey());
                    assertEquals(Set.of(idB), keys.current().keySet(), damage.getKey());
                    final List<String> logged = log.messages();
                    final String reason = damage.getKey().replace(" (empty)", "");
                    assertTrue(logged.size() == 1 && logged.get(0).contains(leaked + ": " + reason)
                            && logged.get(0).contains("gives no key from now on, so the worker obeys key id(s) ["
                            + idB + "] (before: [" + idA + ", " + idB + "])"), logged.toString());

                    replace(leaked, a);
                    assertEquals(List.of(idA, idB), List.copyOf(keys.current().keySet()), "fixed: " + damage.getKey());
                    assertTrue(log.messages().size() == 2 && log.messages().get(1).contains("from now on"),
                            log.messages().toString());
                }
            }
        }
    }

    @Test
    void shouldObeyNoCommandWhenTheOnlyKeyFileIsDeletedAndSayWhyUntilItIsBack() throws Exception {
        final Path slot = pub("engine.pub", a);
        try (TrustedKeys keys = new TrustedKeys(config(slot));
             LogCapture log = new LogCapture(TrustedKeys.class, Level.INFO)) {
            Files.delete(slot);

            assertEquals(Map.of(), keys.current(), "the revoked key is not kept because it was the last one");
            assertTrue(keys.noKeyReason().contains("obeys no key") && keys.noKeyReason().contains(slot
                    + ": no such file"), keys.noKeyReason());
            assertTrue(log.messages().size() == 1 && log.messages().get(0).contains("obeys NO command from now on")
                    && log.messages().get(0).contains("mv it over"), log.messages().toString());

            pub("engine.pub", b);
            assertEquals(Set.of(idB), keys.current().keySet());
            assertTrue(log.messages().size() == 2 && log.messages().get(1).contains("key id(s) [" + idB
                    + "] from now on (before: [])"), log.messages().toString());
        }
    }

    @Test
    void shouldHaveTheKeyAgainOnceAFileACopyWroteHalfIsWhole() throws Exception {
        // `cp new.pub engine.pub` writes in place: the worker may read the file truncated, then half-written
        final Path slot = pub("engine.pub", a);
        final byte[] whole = Files.readAllBytes(pub("new.pub", b));
        try (TrustedKeys keys = new TrustedKeys(config(slot))) {
            Files.write(slot, new byte[0]);
            assertEquals(Map.of(), keys.current(), "truncated: the old key is gone at once");
            Files.write(slot, java.util.Arrays.copyOf(whole, whole.length / 2));
            assertEquals(Map.of(), keys.current(), "half-written");
            Files.write(slot, whole);
            assertEquals(Set.of(idB), keys.current().keySet(), "whole: read again, as its size changed");
        }
    }

    @Test
    void shouldReadAFileAgainWhenOnlyItsStatusChangeTimeChanged() throws Exception {
        // A chown, chgrp or setfacl (the fix of a new .pub the worker's user could not read) changes neither the
        // inode, the size, the modification time nor the mode; nor does a copy in place that keeps the times (cp -p,
        // scp -p) of a key of the same length, as every Ed25519 public key file is. Only the status change time moves.
        final Path slot = pub("engine.pub", a);
        try (TrustedKeys keys = new TrustedKeys(config(slot))) {
            assertEquals(Set.of(idA), keys.current().keySet());
            final java.nio.file.attribute.FileTime mtime = Files.getLastModifiedTime(slot);
            final Path other = pub("other.pub", b);
            awaitNextTick((java.nio.file.attribute.FileTime) Files.getAttribute(slot, "unix:ctime"));
            Files.write(slot, Files.readAllBytes(other)); // in place: the same inode
            Files.setLastModifiedTime(slot, mtime);

            assertEquals(Set.of(idB), keys.current().keySet(), "the file holds B's key now");
        }
    }

    @Test
    void shouldTakeNoneAsASlotForTheNextKeyAndObeyNoKeyWhenEveryFileSaysNoneButNeverStartSo() throws Exception {
        final Path first = pub("engine-a.pub", a);
        final Path second = Files.writeString(dir.resolve("engine-b.pub"), TrustedKeys.NO_KEY + "\n");
        try (TrustedKeys keys = new TrustedKeys(config(first, second));
             LogCapture log = new LogCapture(TrustedKeys.class, Level.ERROR)) {
            assertEquals(Set.of(idA), keys.current().keySet());
            replace(second, b);
            assertEquals(List.of(idA, idB), List.copyOf(keys.current().keySet()), "the overlap of a rotation");
            replace(first, TrustedKeys.NO_KEY);
            assertEquals(Set.of(idB), keys.current().keySet(), "the old key revoked");
            assertTrue(log.messages().isEmpty(), log.messages().toString());

            replace(second, TrustedKeys.NO_KEY);
            assertEquals(Map.of(), keys.current(), "every key revoked: none is obeyed, as the files say");
            assertTrue(log.messages().size() == 1 && log.messages().get(0).contains("obeys NO command")
                    && log.messages().get(0).contains("every file listed says none"), log.messages().toString());
            assertTrue(keys.noKeyReason().contains("every file listed says none"), keys.noKeyReason());

            replace(second, a);
            replace(first, a);
            assertEquals(Set.of(idA), keys.current().keySet(), "the same key twice: the first file's");
            assertTrue(log.messages().size() == 2 && log.messages().get(1).contains(second + ": the same key"),
                    log.messages().toString());
        }
        final Path none = Files.writeString(dir.resolve("none.pub"), TrustedKeys.NO_KEY + "\n");
        final ConfigException refused = assertThrows(ConfigException.class, () -> new TrustedKeys(config(none)));
        assertTrue(refused.getMessage().contains("every file listed says none"), refused.getMessage());
    }

    /** A change made to a file. */
    @FunctionalInterface
    private interface ThrowingConsumer<T> {
        void accept(T t) throws Exception;
    }

    /** Waits (bounded) until the file system's clock, which moves by ticks of a few ms, is past a time it gave. */
    private void awaitNextTick(final java.nio.file.attribute.FileTime after) throws Exception {
        final Path probe = dir.resolve("clock-probe");
        final long deadline = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
        do {
            Files.writeString(probe, "x");
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the file system's clock did not move past " + after + " within 10 s");
            }
        } while (((java.nio.file.attribute.FileTime) Files.getAttribute(probe, "unix:ctime")).compareTo(after) <= 0);
    }

    private Path pub(final String name, final KeyPair pair) throws Exception {
        final Path file = dir.resolve(name);
        CommandSignature.writePublic(pair.getPublic(), file);
        return file;
    }

    /** Replaces a file whole, as {@code mv} does: a new inode each time, whatever the clock's resolution. */
    private void replace(final Path file, final Object content) throws Exception {
        final Path tmp = dir.resolve(file.getFileName() + ".tmp");
        if (content instanceof KeyPair pair) {
            CommandSignature.writePublic(pair.getPublic(), tmp);
        } else {
            Files.writeString(tmp, content.toString());
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private WorkerConfig config(final Path... files) {
        return new WorkerConfig(Map.of("bootstrap.servers", "127.0.0.1:1", "host.name", "h",
                "worker.state.dir", dir.resolve("state").toString(),
                WorkerConfig.PUBLIC_KEY_CONFIG, String.join(",", List.of(files).stream().map(Path::toString).toList())));
    }
}
