package dev.vigil.backup.backend;

class MemoryBackendTest extends BackendContract {
    @Override
    Backend create() {
        return new MemoryBackend();
    }
}
