package dev.vigil.backup.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Backend} must do, run against each implementation (an S3 store added later
 * extends this class too). The repository relies on exactly these answers.
 */
abstract class BackendContract {
    private Backend backend;

    /** @return a new, empty store */
    abstract Backend create() throws Exception;

    @BeforeEach
    void open() throws Exception {
        backend = create();
    }

    @AfterEach
    void close() throws Exception {
        backend.close();
    }

    private static Handle pack(final String name) {
        return new Handle(FileType.PACK, name);
    }

    private static byte[] bytes(final String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void shouldLoadWhatWasSavedWholeAndByRange() throws Exception {
        final Handle h = pack("0a1b2c3d");
        backend.save(h, bytes("0123456789"));
        assertArrayEquals(bytes("0123456789"), backend.load(h));
        assertArrayEquals(bytes("345"), backend.load(h, 3, 3));
        assertArrayEquals(bytes("89"), backend.load(h, 8, 10), "a range past the end gives the bytes there are");
        assertArrayEquals(new byte[0], backend.load(h, 10, 4));
        assertEquals(Optional.of(new FileInfo(h, 10)), backend.stat(h));
    }

    @Test
    void shouldSayAMissingFileIsMissingAndRemoveQuietly() throws Exception {
        final Handle h = pack("ffff0000");
        assertThrows(NoSuchFileException.class, () -> backend.load(h));
        assertThrows(NoSuchFileException.class, () -> backend.load(h, 0, 1));
        assertEquals(Optional.empty(), backend.stat(h));
        assertDoesNotThrow(() -> backend.remove(h), "removing a missing file is not an error");
        backend.save(h, bytes("x"));
        backend.remove(h);
        assertEquals(Optional.empty(), backend.stat(h));
    }

    @Test
    void shouldListEachKindApartAndSaveTheSameContentTwiceHarmlessly() throws Exception {
        backend.save(Handle.MARKER, bytes("vigil"));
        backend.save(Handle.CONFIG, bytes("config"));
        backend.save(new Handle(FileType.INDEX, "aa11"), bytes("index"));
        backend.save(pack("bb22"), bytes("pack one"));
        backend.save(pack("cc33"), bytes("pack two!"));
        backend.save(pack("cc33"), bytes("pack two!"));
        assertEquals(Set.of(new FileInfo(pack("bb22"), 8), new FileInfo(pack("cc33"), 9)),
                Set.copyOf(backend.list(FileType.PACK)));
        assertEquals(List.of(new FileInfo(new Handle(FileType.INDEX, "aa11"), 5)), backend.list(FileType.INDEX));
        assertTrue(backend.list(FileType.SNAPSHOT).isEmpty());
        assertArrayEquals(bytes("config"), backend.load(Handle.CONFIG));
    }

    @Test
    void shouldLetExactlyOneOfSeveralThreadsSaveANewFileAndNeverReplaceIt() throws Exception {
        final ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            for (int round = 0; round < 10; round++) {
                final Handle h = new Handle(FileType.INDEX, String.format("%08x", round));
                final java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(4);
                final List<Future<byte[]>> work = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    final byte[] data = bytes("writer " + i + " of round " + round);
                    work.add(pool.submit(() -> {
                        start.await();
                        try {
                            backend.saveNew(h, data);
                            return data;
                        } catch (java.nio.file.FileAlreadyExistsException e) {
                            return null;
                        }
                    }));
                }
                final List<byte[]> won = new ArrayList<>();
                for (final Future<byte[]> f : work) {
                    if (f.get() != null) {
                        won.add(f.get());
                    }
                }
                assertEquals(1, won.size(), "round " + round + ": one save wins, the others are refused");
                assertArrayEquals(won.get(0), backend.load(h), "the winner's file stays");
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(10, backend.list(FileType.INDEX).size(), "no temporary file listed");
        assertThrows(java.nio.file.FileAlreadyExistsException.class, () -> backend.saveNew(new Handle(FileType.INDEX,
                "00000000"), bytes("again")));
    }

    @Test
    void shouldTakeSavesAndLoadsFromSeveralThreadsAtOnce() throws Exception {
        final ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            final List<Future<?>> work = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                final Handle h = pack(String.format("%08x", i));
                final byte[] data = bytes("content of file " + i);
                work.add(pool.submit(() -> {
                    backend.save(h, data);
                    assertArrayEquals(data, backend.load(h));
                    return null;
                }));
            }
            for (final Future<?> f : work) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(64, backend.list(FileType.PACK).stream().map(FileInfo::handle).collect(Collectors.toSet()).size());
    }
}
