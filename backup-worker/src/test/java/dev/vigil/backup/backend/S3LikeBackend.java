package dev.vigil.backup.backend;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Backend} that behaves as an S3-compatible object store does, for tests of what the repository takes for
 * granted: objects are keys in a flat name space ({@code data/3f/3f2a...}, no directories, no rename, no temporary
 * names), a PUT is all or nothing, GET and HEAD see an object as soon as its PUT returned, DELETE of a missing key
 * succeeds, and LIST comes in pages of {@code pageSize} keys, each page read from the store as it is then (an object
 * saved or removed between two pages may or may not be listed). The test can make LIST lag behind PUT and DELETE,
 * as stores with eventually consistent listings do (older S3, some S3-compatible stores and caches): {@link
 * #lagListing} hides from LIST what is saved from then on (GET and HEAD still see it) and keeps listing what is
 * removed, until {@link #catchUp}. It offers no lock, no fsync, no local directory.
 */
public final class S3LikeBackend implements Backend {
    private record Obj(Handle handle, byte[] data, long seq) {
    }

    private final ConcurrentSkipListMap<String, Obj> objects = new ConcurrentSkipListMap<>();
    private final AtomicLong seq = new AtomicLong();
    private final int pageSize;
    /** Kinds whose listing lags, and the sequence number of the last PUT their listing shows. */
    private final Map<FileType, Long> lagging = new ConcurrentHashMap<>();
    /** Removed objects a lagging listing still shows. */
    private final Map<String, Obj> ghosts = new ConcurrentHashMap<>();
    /** Requests made, by kind, for tests that count them. */
    public final AtomicLong puts = new AtomicLong();
    /** LIST pages read. */
    public final AtomicLong listPages = new AtomicLong();

    /** @param pageSize keys per LIST page, &gt;= 1 (S3: 1000; small here so that pagination is exercised) */
    public S3LikeBackend(final int pageSize) {
        if (pageSize < 1) {
            throw new IllegalArgumentException("page size must be >= 1, was " + pageSize);
        }
        this.pageSize = pageSize;
    }

    /** A store whose listings come in pages of 3 keys. */
    public S3LikeBackend() {
        this(3);
    }

    /**
     * From now on LIST of these kinds (every kind when none is given) shows neither what is saved nor removes what is
     * removed, until {@link #catchUp}; GET, HEAD and DELETE are not affected.
     *
     * @param types the kinds whose listing lags
     */
    public void lagListing(final FileType... types) {
        final long now = seq.get();
        for (final FileType t : types.length == 0 ? EnumSet.allOf(FileType.class) : EnumSet.copyOf(Arrays.asList(
                types))) {
            lagging.put(t, now);
        }
    }

    /**
     * Listings of these kinds (every kind when none is given) show the store as it is again.
     *
     * @param types the kinds whose listing catches up
     */
    public void catchUp(final FileType... types) {
        final Set<FileType> which = types.length == 0 ? EnumSet.allOf(FileType.class) : EnumSet.copyOf(Arrays.asList(
                types));
        lagging.keySet().removeAll(which);
        ghosts.values().removeIf(o -> which.contains(o.handle().type()));
    }

    /**
     * @param handle a file
     * @return the object's key, as an S3 store would name it
     */
    public static String key(final Handle handle) {
        return switch (handle.type()) {
            case MARKER, CONFIG -> handle.name();
            case PACK -> "data/" + handle.name().substring(0, 2) + "/" + handle.name();
            default -> handle.type().dir() + "/" + handle.name();
        };
    }

    private static String prefix(final FileType type) {
        return switch (type) {
            case MARKER -> Handle.MARKER.name();
            case CONFIG -> Handle.CONFIG.name();
            default -> type.dir() + "/";
        };
    }

    @Override
    public String location() {
        return "s3like:" + Integer.toHexString(System.identityHashCode(this));
    }

    @Override
    public void save(final Handle handle, final byte[] data) {
        puts.incrementAndGet();
        final String key = key(handle);
        objects.put(key, new Obj(handle, data.clone(), seq.incrementAndGet()));
        ghosts.remove(key);
    }

    /** A conditional PUT ({@code If-None-Match: *}): refused when the key exists. */
    @Override
    public void saveNew(final Handle handle, final byte[] data) throws IOException {
        puts.incrementAndGet();
        final String key = key(handle);
        if (objects.putIfAbsent(key, new Obj(handle, data.clone(), seq.incrementAndGet())) != null) {
            throw new java.nio.file.FileAlreadyExistsException(key, null, "412 Precondition Failed");
        }
        ghosts.remove(key);
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
        final String prefix = prefix(type);
        final Long shows = lagging.get(type);
        final List<FileInfo> out = new ArrayList<>();
        String marker = null;
        while (true) {
            // one page, read from the store as it is now (ListObjectsV2 with a start-after key)
            listPages.incrementAndGet();
            final List<Obj> page = new ArrayList<>();
            final Map<String, Obj> tail = marker == null ? objects.tailMap(prefix, true) : objects.tailMap(marker,
                    false);
            String last = null;
            for (final Map.Entry<String, Obj> e : tail.entrySet()) {
                if (!e.getKey().startsWith(prefix) || page.size() == pageSize) {
                    break;
                }
                page.add(e.getValue());
                last = e.getKey();
            }
            for (final Obj o : page) {
                if (shows == null || o.seq() <= shows) {
                    out.add(new FileInfo(o.handle(), o.data().length));
                }
            }
            if (page.size() < pageSize) {
                break;
            }
            marker = last;
        }
        if (shows != null) {
            for (final Obj o : ghosts.values()) {
                if (o.handle().type() == type && o.seq() <= shows && out.stream().noneMatch(f -> f.handle().equals(
                        o.handle()))) {
                    out.add(new FileInfo(o.handle(), o.data().length));
                }
            }
        }
        return out;
    }

    @Override
    public Optional<FileInfo> stat(final Handle handle) {
        final Obj o = objects.get(key(handle));
        return o == null ? Optional.empty() : Optional.of(new FileInfo(handle, o.data().length));
    }

    @Override
    public void remove(final Handle handle) {
        final Obj o = objects.remove(key(handle));
        if (o != null && lagging.containsKey(handle.type())) {
            ghosts.put(key(handle), o);
        }
    }

    /** @return every key in the store, sorted (for assertions) */
    public Set<String> keys() {
        return Set.copyOf(objects.keySet());
    }

    private byte[] existing(final Handle handle) throws NoSuchFileException {
        final Obj o = objects.get(key(handle));
        if (o == null) {
            throw new NoSuchFileException(key(handle));
        }
        return o.data();
    }
}
