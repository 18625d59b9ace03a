package dev.vigil.backup.backend;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class LocalBackendTest extends BackendContract {
    @TempDir
    Path dir;

    @Override
    Backend create() {
        return new LocalBackend(dir.resolve("repo"), true);
    }
}
