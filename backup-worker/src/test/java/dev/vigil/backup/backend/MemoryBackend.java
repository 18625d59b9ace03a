package dev.vigil.backup.backend;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** A {@link Backend} in memory: the contract's reference, and a fast store for tests. */
public final class MemoryBackend implements Backend {
    private final Map<Handle, byte[]> files = new ConcurrentHashMap<>();

    @Override
    public String location() {
        return "memory:" + Integer.toHexString(System.identityHashCode(this));
    }

    @Override
    public void save(final Handle handle, final byte[] data) {
        files.put(handle, data.clone());
    }

    @Override
    public void saveNew(final Handle handle, final byte[] data) throws IOException {
        if (files.putIfAbsent(handle, data.clone()) != null) {
            throw new java.nio.file.FileAlreadyExistsException(handle.toString());
        }
    }

    @Override
    public byte[] load(final Handle handle, final long offset, final int length) throws IOException {
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("offset and length must be >= 0, were " + offset + ", " + length);
        }
        final byte[] data = existing(handle);
        final int from = (int) Math.min(offset, data.length);
        return Arrays.copyOfRange(data, from, (int) Math.min(data.length, (long) from + length));
    }

    @Override
    public byte[] load(final Handle handle) throws IOException {
        return existing(handle).clone();
    }

    @Override
    public List<FileInfo> list(final FileType type) {
        return files.entrySet().stream().filter(e -> e.getKey().type() == type)
                .map(e -> new FileInfo(e.getKey(), e.getValue().length)).toList();
    }

    @Override
    public Optional<FileInfo> stat(final Handle handle) {
        final byte[] data = files.get(handle);
        return data == null ? Optional.empty() : Optional.of(new FileInfo(handle, data.length));
    }

    @Override
    public void remove(final Handle handle) {
        files.remove(handle);
    }

    private byte[] existing(final Handle handle) throws NoSuchFileException {
        final byte[] data = files.get(handle);
        if (data == null) {
            throw new NoSuchFileException(handle.toString());
        }
        return data;
    }
}
