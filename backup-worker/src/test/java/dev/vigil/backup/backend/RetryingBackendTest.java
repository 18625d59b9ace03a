package dev.vigil.backup.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import org.junit.jupiter.api.Test;

class RetryingBackendTest extends BackendContract {
    @Override
    Backend create() {
        return new RetryingBackend(new FaultyBackend(new MemoryBackend()).failNext(2), 3, 1);
    }

    @Test
    void shouldRideOutTransientFailuresWithinItsAttempts() throws Exception {
        final MemoryBackend store = new MemoryBackend();
        final FaultyBackend faulty = new FaultyBackend(store);
        final Backend retrying = new RetryingBackend(faulty, 3, 1);
        final Handle h = new Handle(FileType.PACK, "abcd");
        faulty.failNext(2);
        retrying.save(h, new byte[] {1, 2, 3});
        assertEquals(3, faulty.calls.get(), "two failures, then the save");
        faulty.failNext(2);
        assertArrayEquals(new byte[] {1, 2, 3}, retrying.load(h));
    }

    @Test
    void shouldGiveUpAfterItsAttemptsWithTheLastError() {
        final FaultyBackend faulty = new FaultyBackend(new MemoryBackend()).failNext(5);
        final Backend retrying = new RetryingBackend(faulty, 3, 1);
        final IOException e = assertThrows(IOException.class,
                () -> retrying.save(new Handle(FileType.PACK, "abcd"), new byte[1]));
        assertTrue(e.getMessage().contains("injected transient failure of save"), e.getMessage());
        assertEquals(3, faulty.calls.get());
    }

    @Test
    void shouldNotRetryAMissingFile() {
        final FaultyBackend faulty = new FaultyBackend(new MemoryBackend());
        final Backend retrying = new RetryingBackend(faulty, 5, 1);
        assertThrows(NoSuchFileException.class, () -> retrying.load(new Handle(FileType.PACK, "0000")));
        assertEquals(1, faulty.calls.get(), "a missing file is an answer");
    }

    @Test
    void shouldNotRetryWhenItsThreadWasInterrupted() {
        final FaultyBackend faulty = new FaultyBackend(new MemoryBackend()).failNext(1);
        final Backend retrying = new RetryingBackend(faulty, 3, 1);
        Thread.currentThread().interrupt();
        try {
            final IOException e = assertThrows(IOException.class,
                    () -> retrying.load(new Handle(FileType.PACK, "0000")));
            assertTrue(e.getMessage().startsWith("injected transient failure"), "the failure itself: " + e);
            assertEquals(1, faulty.calls.get());
        } finally {
            Thread.interrupted();
        }
    }
}
