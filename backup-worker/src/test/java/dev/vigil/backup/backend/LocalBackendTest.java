package dev.vigil.backup.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalBackendTest extends BackendContract {
    @TempDir
    Path dir;

    @Override
    Backend create() {
        return new LocalBackend(dir.resolve("repo"), true);
    }

    @Test
    void shouldLetOnlyItsOwnerReadAKeyFile() throws Exception {
        final Backend store = create();
        final Handle key = new Handle(FileType.KEY, "a".repeat(64));
        store.save(key, new byte[] {1, 2, 3});
        final Path file;
        try (var files = Files.walk(dir.resolve("repo"))) {
            file = files.filter(p -> p.getFileName().toString().equals(key.name())).findFirst().orElseThrow();
        }
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }
}
