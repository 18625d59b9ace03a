package dev.vigil.backup.backend;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Injects failures into another backend: a number of transient failures of whatever operation
 * comes next (a flaky network), or every save after a budget (a full disk, a lost connection).
 */
public final class FaultyBackend implements Backend {
    private final Backend inner;
    private final AtomicInteger transientFailures = new AtomicInteger();
    private final AtomicInteger savesLeft = new AtomicInteger(Integer.MAX_VALUE);
    private final AtomicInteger every = new AtomicInteger();
    /** Operations whose last attempt was dropped by {@link #failEvery}: their retry goes through. */
    private final Set<String> dropped = ConcurrentHashMap.newKeySet();
    /** Operations called so far. */
    public final AtomicInteger calls = new AtomicInteger();
    /** Transient failures injected so far. */
    public final AtomicInteger injected = new AtomicInteger();

    /** @param inner the store that answers when no failure is injected */
    public FaultyBackend(final Backend inner) {
        this.inner = inner;
    }

    /** The next n operations fail with an IOException. */
    public FaultyBackend failNext(final int n) {
        transientFailures.set(n);
        return this;
    }

    /** After n more successful saves, every save fails; a negative n heals it. */
    public FaultyBackend failSavesAfter(final int n) {
        savesLeft.set(n < 0 ? Integer.MAX_VALUE : n);
        return this;
    }

    /** Every n-th operation fails once (0: never), a network that drops a request now and then. */
    public FaultyBackend failEvery(final int n) {
        every.set(n);
        return this;
    }

    private void maybeFail(final String what) throws IOException {
        final int call = calls.incrementAndGet();
        if (transientFailures.getAndUpdate(k -> Math.max(0, k - 1)) > 0) {
            injected.incrementAndGet();
            throw new IOException("injected transient failure of " + what);
        }
        // "Fails once" per operation: with several threads calling, a retry could otherwise land on
        // the next n-th call again, and again, whatever the retry budget.
        final int n = every.get();
        if (n > 0 && call % n == 0 && dropped.add(what)) {
            injected.incrementAndGet();
            throw new IOException("injected transient failure of " + what);
        }
        dropped.remove(what);
    }

    @Override
    public String location() {
        return inner.location();
    }

    @Override
    public void save(final Handle handle, final byte[] data) throws IOException {
        maybeFail("save " + handle);
        if (savesLeft.getAndUpdate(n -> n == Integer.MAX_VALUE ? n : Math.max(0, n - 1)) == 0) {
            throw new IOException("injected: no space left saving " + handle);
        }
        inner.save(handle, data);
    }

    @Override
    public void saveNew(final Handle handle, final byte[] data) throws IOException {
        maybeFail("save " + handle);
        if (savesLeft.getAndUpdate(n -> n == Integer.MAX_VALUE ? n : Math.max(0, n - 1)) == 0) {
            throw new IOException("injected: no space left saving " + handle);
        }
        inner.saveNew(handle, data);
    }

    @Override
    public byte[] load(final Handle handle, final long offset, final int length) throws IOException {
        maybeFail("load " + handle + " at " + offset);
        return inner.load(handle, offset, length);
    }

    @Override
    public byte[] load(final Handle handle) throws IOException {
        maybeFail("load " + handle);
        return inner.load(handle);
    }

    @Override
    public List<FileInfo> list(final FileType type) throws IOException {
        maybeFail("list " + type);
        return inner.list(type);
    }

    @Override
    public Optional<FileInfo> stat(final Handle handle) throws IOException {
        maybeFail("stat " + handle);
        return inner.stat(handle);
    }

    @Override
    public void remove(final Handle handle) throws IOException {
        maybeFail("remove " + handle);
        inner.remove(handle);
    }
}
