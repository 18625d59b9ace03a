package dev.vigil.collector.files;

import dev.vigil.schemas.FileActivity;
import dev.vigil.schemas.topic.Topics;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The net changes of one interval, by path relative to the dataset root: a path created then
 * modified is created; created then deleted is nothing; deleted then created again is modified.
 * A deletion and a creation of the same inode, size and mtime are a rename, listed under both paths.
 */
final class Changes {
    /**
     * Most bytes of path names in one event: half of what vigil-events accepts, leaving room for
     * the rest of the record (about 40,000 paths of 100 bytes). Beyond it the interval is cut and
     * marked incomplete, and incremental backups walk the tree instead of trusting the journal.
     */
    static final int MAX_PATH_BYTES = Topics.LARGE_RECORD_BYTES / 2;

    /** Heap one kept path takes (its relative path of ~40 characters, its states, a map entry), estimated. */
    static final int BYTES_PER_PATH = 200;

    final Map<String, FileState> created = new TreeMap<>();
    final Map<String, FileState[]> modified = new TreeMap<>();
    final Map<String, FileState> deleted = new TreeMap<>();
    /** False for the first walk of a tree, which would otherwise hold every path of it as created. */
    private final boolean recording;
    /**
     * Most paths kept: beyond it a change is only counted (an interval that deletes a whole dataset would otherwise
     * hold every path of it besides the index, more than the agent's heap), and the lists are cut.
     */
    private final int maxKept;
    /**
     * Paths kept by every interval in progress in this JVM, whose heap they share: each dataset closes its intervals on
     * a thread of its own, and datasets emptied or unpacked at once (ransomware across shares) would otherwise each
     * keep {@link #maxKept} paths at the same time. {@link #maxKept} bounds them together.
     */
    private static final AtomicLong KEPT = new AtomicLong();
    /** This interval's share of {@link #KEPT}. */
    private long counted;
    /** Files created, modified and deleted beyond {@link #maxKept}, and what they wrote. */
    private long createdBeyond;
    private long modifiedBeyond;
    private long deletedBeyond;
    private long bytesBeyond;

    /** @param maxKept most paths kept; beyond, changes are counted only */
    Changes(final int maxKept) {
        this(true, maxKept);
    }

    private Changes(final boolean recording, final int maxKept) {
        this.recording = recording;
        this.maxKept = maxKept;
    }

    /** @return changes that keep nothing: for the walk that builds the index at start */
    static Changes discarding() {
        return new Changes(false, 0);
    }

    private boolean full() {
        return created.size() + modified.size() + deleted.size() >= maxKept || KEPT.get() >= maxKept;
    }

    /** Brings this interval's share of {@link #KEPT} up to date after a change of its maps. */
    private void account() {
        final long kept = created.size() + modified.size() + deleted.size();
        KEPT.addAndGet(kept - counted);
        counted = kept;
    }

    /** Gives back this interval's share of the paths kept: once it is built or given up. */
    void release() {
        KEPT.addAndGet(-counted);
        counted = 0;
    }

    void created(final String path, final FileState now) {
        if (!recording) {
            return;
        }
        final FileState before = deleted.remove(path);
        if (before != null) {
            modified.put(path, new FileState[] {before, now});
        } else if (full()) {
            createdBeyond += now.directory() ? 0 : 1;
            bytesBeyond += now.directory() ? 0 : now.size();
        } else {
            created.put(path, now);
        }
        account();
    }

    void modified(final String path, final FileState before, final FileState now) {
        if (!recording) {
            return;
        }
        if (created.containsKey(path)) {
            created.put(path, now);
        } else {
            final FileState[] pair = modified.get(path);
            if (pair == null && full()) {
                modifiedBeyond += now.directory() ? 0 : 1;
                bytesBeyond += now.directory() ? 0 : now.size();
            } else {
                modified.put(path, new FileState[] {pair == null ? before : pair[0], now});
            }
        }
        account();
    }

    void deleted(final String path, final FileState before) {
        if (!recording) {
            return;
        }
        if (created.remove(path) == null) {
            final FileState[] pair = modified.remove(path);
            if (pair == null && full()) {
                deletedBeyond += before.directory() ? 0 : 1;
            } else {
                deleted.put(path, pair == null ? before : pair[0]);
            }
        }
        account();
    }

    /** @return whether changes were only counted, their paths not kept */
    boolean cut() {
        return createdBeyond + modifiedBeyond + deletedBeyond > 0 || bytesBeyond > 0;
    }

    boolean isEmpty() {
        return created.isEmpty() && modified.isEmpty() && deleted.isEmpty();
    }

    /** Adds another set of changes found later in the same interval. */
    void addAll(final Changes other) {
        other.deleted.forEach(this::deleted);
        other.created.forEach(this::created);
        other.modified.forEach((p, pair) -> modified(p, pair[0], pair[1]));
        createdBeyond += other.createdBeyond;
        modifiedBeyond += other.modifiedBeyond;
        deletedBeyond += other.deletedBeyond;
        bytesBeyond += other.bytesBeyond;
    }

    /**
     * Builds the interval's record: counts, bytes written, sampled entropy, bounded path lists.
     *
     * @param root the dataset root, to sample newly written content
     * @param sampling entropy budgets
     * @param maxPaths most paths in both lists together
     * @param complete whether the watcher saw every change (no overflow, gap or error)
     */
    FileActivity.Builder toActivity(final Path root, final Sampling sampling, final int maxPaths,
                                    final boolean complete, final Instant start, final Instant end) {
        // A rename keeps inode, size and mtime; a new file that merely reuses a freed inode differs in one.
        final Map<List<Long>, Boolean> deletedInodes = new HashMap<>();
        deleted.values().stream().filter(s -> !s.directory()).forEach(s -> deletedInodes.put(renameKey(s), true));
        final long renamed = created.values().stream()
                .filter(s -> !s.directory() && deletedInodes.containsKey(renameKey(s))).count();
        final long createdFiles = created.values().stream().filter(s -> !s.directory()).count() - renamed
                + createdBeyond;
        final long deletedFiles = deleted.values().stream().filter(s -> !s.directory()).count() - renamed
                + deletedBeyond;
        final long modifiedFiles = modified.values().stream().filter(p -> !p[1].directory()).count() + modifiedBeyond;

        final Entropy entropy = new Entropy();
        long bytesWritten = bytesBeyond;
        final byte[] buffer = new byte[sampling.fileBytes()];
        final byte[] decoded = new byte[sampling.fileBytes()];
        final Decompressed decompressed = new Decompressed(sampling.decompressedInputBytes());
        for (final Map.Entry<String, FileState> e : created.entrySet()) {
            if (!e.getValue().directory() && !deletedInodes.containsKey(renameKey(e.getValue()))) {
                bytesWritten += e.getValue().size();
                sample(root.resolve(e.getKey()), 0, sampling, entropy, buffer, decoded, decompressed);
            }
        }
        for (final Map.Entry<String, FileState[]> e : modified.entrySet()) {
            final FileState before = e.getValue()[0];
            final FileState now = e.getValue()[1];
            if (now.directory()) {
                continue;
            }
            final boolean appended = before != null && before.inode() == now.inode() && now.size() > before.size();
            bytesWritten += appended ? now.size() - before.size() : now.size();
            sample(root.resolve(e.getKey()), appended ? before.size() : 0, sampling, entropy, buffer, decoded,
                    decompressed);
        }

        final List<String> changed = new ArrayList<>(created.keySet());
        modified.forEach((p, pair) -> {
            if (!pair[1].directory()) {
                changed.add(p);
            }
        });
        changed.sort(null);
        final List<String> gone = new ArrayList<>(deleted.keySet());
        final boolean fits = bound(changed, gone, maxPaths);
        return FileActivity.newBuilder()
                .setIntervalStart(start).setIntervalEnd(end)
                .setCreated(createdFiles).setModified(modifiedFiles).setDeleted(deletedFiles).setRenamed(renamed)
                .setBytesWritten(bytesWritten)
                .setWriteEntropy(entropy.bitsPerByte()).setEntropySampledBytes(entropy.total())
                .setChangedPaths(changed).setDeletedPaths(gone)
                .setComplete(complete && fits && !cut());
    }

    private static List<Long> renameKey(final FileState s) {
        return List.of(s.inode(), s.size(), s.mtimeNanos());
    }

    /** Cuts the lists to the bounds. @return whether nothing was cut */
    private static boolean bound(final List<String> changed, final List<String> gone, final int maxPaths) {
        int count = 0;
        long bytes = 0;
        for (final List<String> list : List.of(changed, gone)) {
            for (int i = 0; i < list.size(); i++) {
                bytes += list.get(i).getBytes(StandardCharsets.UTF_8).length + 2;
                if (++count > maxPaths || bytes > MAX_PATH_BYTES) {
                    list.subList(i, list.size()).clear();
                    if (list == changed) {
                        gone.clear();
                    }
                    return false;
                }
            }
        }
        return true;
    }

    private static void sample(final Path file, final long from, final Sampling sampling, final Entropy entropy,
                               final byte[] buffer, final byte[] decoded, final Decompressed decompressed) {
        final long budget = sampling.intervalBytes() - entropy.total();
        if (budget <= 0) {
            return;
        }
        // Regular files only: opening a FIFO (or a link to one) waits for a writer, for ever maybe, and every
        // dataset's intervals with it; a device may never end a read.
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            final int max = (int) Math.min(buffer.length, budget);
            // A compressed file is judged by what it holds, also one that grew (gzip still writing it at the interval's
            // end): its head tells whether it is one.
            final int head = Math.max(ch.read(ByteBuffer.wrap(buffer, 0, from == 0 ? max
                    : Math.min(max, Decompressed.MAGIC_BYTES)), 0), 0);
            final int d = decompressed.head(ch, buffer, head, decoded, max);
            if (d >= 0) {
                entropy.add(decoded, 0, d);
                return;
            }
            final int n = from == 0 ? head : ch.read(ByteBuffer.wrap(buffer, 0, max), from);
            if (n > 0) {
                entropy.add(buffer, 0, n);
            }
        } catch (IOException e) {
            // Gone or unreadable since: nothing to sample, the change itself is still reported.
        }
    }

    /**
     * Entropy sampling budgets.
     *
     * @param intervalBytes most bytes read per dataset and interval
     * @param fileBytes most bytes read from one file
     */
    record Sampling(int intervalBytes, int fileBytes) {
        /**
         * @return most compressed bytes read per dataset and interval to sample files decompressed
         *     ({@link Decompressed}): 16 times the sample, 4 MiB at the defaults; beyond, files are sampled raw
         */
        long decompressedInputBytes() {
            return 16L * intervalBytes;
        }
    }
}
