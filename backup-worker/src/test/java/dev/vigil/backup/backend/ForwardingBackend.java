package dev.vigil.backup.backend;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/** Passes every call to another backend; tests override the calls they watch or disturb. */
public class ForwardingBackend implements Backend {
    /** The store that answers. */
    protected final Backend inner;

    /** @param inner the store that answers */
    public ForwardingBackend(final Backend inner) {
        this.inner = inner;
    }

    @Override
    public String location() {
        return inner.location();
    }

    @Override
    public java.nio.file.Path localRoot() {
        return inner.localRoot();
    }

    @Override
    public void save(final Handle handle, final byte[] data) throws IOException {
        inner.save(handle, data);
    }

    @Override
    public void save(final Handle handle, final byte[] data, final int length) throws IOException {
        inner.save(handle, data, length);
    }

    @Override
    public void saveNew(final Handle handle, final byte[] data) throws IOException {
        inner.saveNew(handle, data);
    }

    @Override
    public byte[] load(final Handle handle, final long offset, final int length) throws IOException {
        return inner.load(handle, offset, length);
    }

    @Override
    public byte[] load(final Handle handle) throws IOException {
        return inner.load(handle);
    }

    @Override
    public List<FileInfo> list(final FileType type) throws IOException {
        return inner.list(type);
    }

    @Override
    public Optional<FileInfo> stat(final Handle handle) throws IOException {
        return inner.stat(handle);
    }

    @Override
    public void remove(final Handle handle) throws IOException {
        inner.remove(handle);
    }

    @Override
    public void sync() throws IOException {
        inner.sync();
    }

    @Override
    public void close() throws IOException {
        inner.close();
    }
}
