package dev.vigil.collector.logs;

import dev.vigil.collector.delivery.Outbox;
import dev.vigil.schemas.IoErrors;
import dev.vigil.schemas.LogRecord;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tails every file matching the configured globs and publishes its records.
 *
 * <p>Rotation: files are followed by identity (device, inode). A file renamed away keeps being read
 * through its open channel until it has been idle for a while; the new file at the old name is read
 * from its start. A file truncated in place (copytruncate) is first read to its end from the copy
 * logrotate made (a sibling whose leading bytes match), then from its new start. Rotations and truncations it did
 * not see happen (while stopped, or more than one between two rounds) are caught up by {@link RotationCatchUp}.
 * Checkpoints hold, per identity, the offset of the first byte not yet accepted by the outbox; they are saved after
 * the outbox is synced, so a restart resumes exactly there, and record ids are derived from file
 * identity, truncation generation, offset and text ({@link RecordIds}), so a record read twice has one id.
 */
public final class LogTailer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LogTailer.class);
    private static final long SAVE_EVERY_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final Map<String, String> TRUNCATED = Map.of("truncated", "true");
    private static final Map<String, String> PARTIAL = Map.of("partial", "true");

    /**
     * @param globs file patterns
     * @param excludes patterns of files not to tail even when a glob matches them
     * @param startAtEnd whether files found at the very first start skip their existing content
     * @param pollMillis how often files are read
     * @param rotatedCloseAfterMillis how long a rotated-away file is read after its last growth
     * @param rotatedDirs where logrotate's olddir moves rotated files: absolute, or relative to each log's directory
     * @param format how bytes become records
     */
    public record Options(List<String> globs, List<String> excludes, boolean startAtEnd, long pollMillis,
                          long rotatedCloseAfterMillis, List<String> rotatedDirs, LineFormat format) {
        /** Options without an olddir. */
        public Options(final List<String> globs, final List<String> excludes, final boolean startAtEnd,
                       final long pollMillis, final long rotatedCloseAfterMillis, final LineFormat format) {
            this(globs, excludes, startAtEnd, pollMillis, rotatedCloseAfterMillis, List.of(), format);
        }

        /** Options without excludes or an olddir. */
        public Options(final List<String> globs, final boolean startAtEnd, final long pollMillis,
                       final long rotatedCloseAfterMillis, final LineFormat format) {
            this(globs, List.of(), startAtEnd, pollMillis, rotatedCloseAfterMillis, format);
        }
    }

    private final Options options;
    private final List<Glob> globs;
    private final List<PathMatcher> excludes;
    /** Bases of globs found missing, so each is reported once. */
    private final java.util.Set<Path> missing;
    private final Checkpoints store;
    private final Outbox outbox;
    private final String host;
    private final Clock clock;
    private final ZoneId zone = ZoneId.systemDefault();
    private final Map<FileIdentity, Harvester> open = new LinkedHashMap<>();
    private final Map<String, Checkpoint> checkpoints;
    private final boolean firstRun;
    /** When the checkpoints were last saved by the agent's previous run (null: none). */
    private final java.time.Instant savedAt;
    private final Harvester.Sink sink = this::publish;
    private final RecordIds ids = new RecordIds();
    /** Read buffer of every harvester: they are polled one at a time, on one thread. */
    private final java.nio.ByteBuffer readBuffer;
    /** Records of the current round, handed to the outbox together (one disk write). */
    private final List<LogRecord> batch = new ArrayList<>();
    private ScheduledExecutorService executor;
    private boolean firstScan = true;
    /** When the previous round started (null before the first): generations written since, unseen, were missed. */
    private java.time.Instant lastRound;
    private boolean dirty;
    /** Set by {@link #close}: a long read of a rotation stops between two chunks, its checkpoint where it stopped. */
    private volatile boolean stopping;
    /** Rotations from this time on were looked for unseen in the current round (null: none were). */
    private java.time.Instant roundSince;
    /**
     * Whether a round stopped before it read every rotation it had found: the checkpoints then keep the time of the
     * previous save, so that the next start looks for the rotations after it again.
     */
    private boolean interrupted;
    private long lastSave = System.nanoTime();
    private long published;
    private Opener opener = p -> FileChannel.open(p, StandardOpenOption.READ);
    /** Files that could not be opened, with the reason last said: warned once per path and reason. */
    private final Map<Path, String> unreadable = new java.util.HashMap<>();
    private final RotationCatchUp catchUp;

    /**
     * @param options what to tail and how
     * @param stateDir where {@code checkpoints.json} lives
     * @param outbox where records go
     * @param host host name on every record
     * @param clock time of records without a timestamp of their own
     */
    public LogTailer(final Options options, final Path stateDir, final Outbox outbox, final String host,
                     final Clock clock) {
        this.options = options;
        this.readBuffer = Harvester.readBuffer(options.format());
        this.globs = options.globs().stream().map(Glob::of).toList();
        this.excludes = options.excludes().stream().map(Glob::of).map(Glob::matcher).toList();
        this.missing = new java.util.HashSet<>();
        this.store = new Checkpoints(stateDir.resolve("checkpoints.json"));
        this.firstRun = !store.exists();
        this.savedAt = store.savedAt();
        this.checkpoints = store.load();
        this.outbox = outbox;
        this.host = host;
        this.clock = clock;
        this.catchUp = new RotationCatchUp(options, open, checkpoints, readBuffer, new RotationCatchUp.Tailer() {
            @Override
            public void tail(final FileIdentity id, final Path path, final long now) {
                openHarvester(id, path, now);
            }

            @Override
            public boolean readToEnd(final Harvester h, final long now) throws IOException {
                return LogTailer.this.readToEnd(h, now);
            }

            @Override
            public FileChannel open(final Path path) throws IOException {
                return opener.open(path);
            }

            @Override
            public boolean stopping() {
                return stopping;
            }

            @Override
            public void changed() {
                dirty = true;
            }
        });
    }

    /** Starts polling on a thread of its own. @return this */
    public LogTailer start() {
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            final Thread t = new Thread(r, "vigil-collector-logs");
            t.setDaemon(true);
            return t;
        });
        executor.scheduleWithFixedDelay(this::pollSafely, 0, options.pollMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** @return records handed to the outbox since start */
    public synchronized long published() {
        return published;
    }

    private void pollSafely() {
        try {
            pollOnce();
        } catch (RuntimeException e) {
            LOG.warn("log tailing round failed: {}", e.getMessage(), e);
        }
    }

    /** One round: find files, read what was appended, close rotated files, save checkpoints when due. */
    public synchronized void pollOnce() {
        // Records the outbox refused last round (the spool failed; a full disk is not a failure, it drops) first: while it refuses them, nothing more is read, so
        // memory stays bounded; the checkpoints have not moved past them.
        flushBatch();
        final long now = System.nanoTime();
        final Map<FileIdentity, Path> seen = discover();
        unreadable.keySet().retainAll(seen.values()); // gone: said again if it comes back unreadable
        // A second of margin: the kernel stamps a file's mtime from a clock a few milliseconds coarse
        final java.time.Instant since = lastRound == null ? null : lastRound.minusSeconds(1);
        roundSince = firstScan ? savedAt : since;
        if (firstScan) {
            // Before new files, so that a rotated file's rest comes before its successor's lines.
            catchUp.afterRestart(seen, savedAt, now);
            if (stopping) {
                interrupted = true;
                return;
            }
        }
        lastRound = clock.instant();
        for (final Harvester h : List.copyOf(open.values())) {
            if (!seen.containsKey(h.identity) && !h.rotatedAway) {
                h.rotatedAway = true;
                // rotated since the last round, perhaps more than once; before new files, as above
                if (!catchUp.afterRotation(h, seen, since, now)) {
                    interrupted = true;
                    return;
                }
            }
        }
        for (final Map.Entry<FileIdentity, Path> e : seen.entrySet()) {
            final Harvester h = open.get(e.getKey());
            if (h == null) {
                openHarvester(e.getKey(), e.getValue(), now);
            } else {
                h.path = e.getValue();
            }
        }
        if (stopping) {
            interrupted = true; // a file opened above stopped reading its copy: its checkpoint says where
            return;
        }
        firstScan = false;
        for (final Harvester h : List.copyOf(open.values())) {
            try {
                final boolean truncated = h.truncated();
                if (truncated && h.binary != null) {
                    h.restart(); // skipped binary content has no rest to read from a copy; what follows is examined
                    dirty = true;
                } else if (truncated) {
                    catchUp.afterTruncation(h, seen, since, now);
                    if (stopping) {
                        // the checkpoint of h holds where its copy's reading stopped, not h's offset
                        interrupted = true;
                        return;
                    }
                    h.restart();
                    dirty = true;
                }
                dirty |= h.poll(sink, now) > 0;
                if (h.binary != null && !h.binarySaid) {
                    h.binarySaid = true;
                    LOG.warn("{}: not tailed, it looks binary ({}); a text file that replaces it (rotation, "
                            + "truncation) is read. To leave it out, narrow logs.paths so that it does not match it",
                            h.path, h.binary);
                }
                final boolean rotatedAway = !seen.containsKey(h.identity);
                if (rotatedAway && now - h.lastGrowthNanos >= TimeUnit.MILLISECONDS.toNanos(
                        options.rotatedCloseAfterMillis())) {
                    if (!readToEnd(h, now)) {
                        interrupted = true;
                        return;
                    }
                    closeQuietly(h);
                    open.remove(h.identity);
                    catchUp.finished(h.identity);
                    checkpoints.remove(h.identity.toString());
                    dirty = true;
                    LOG.debug("closed rotated file {} ({})", h.path, h.identity);
                }
            } catch (IOException e) {
                LOG.warn("{}: cannot read ({}); will retry", h.path, e.getMessage());
                closeQuietly(h);
                open.remove(h.identity);
            }
        }
        flushBatch();
        for (final Harvester h : open.values()) {
            checkpoints.put(h.identity.toString(), new Checkpoint(h.identity.toString(), h.path.toString(),
                    h.committedOffset(), h.generation, h.headLength, h.headHash, h.inLongLine()));
        }
        if (dirty && now - lastSave >= SAVE_EVERY_NANOS) {
            save(now);
        }
    }

    private void flushBatch() {
        if (!batch.isEmpty()) {
            outbox.publishLogs(batch);
            batch.clear();
        }
    }

    private void save(final long now) {
        // Records first, then the offsets that say they are safe.
        outbox.sync();
        store.save(checkpoints.values(), interrupted ? roundSince : null);
        dirty = false;
        lastSave = now;
    }

    private void publish(final Harvester h, final String text, final long offset, final boolean truncated,
                         final boolean partial) {
        // The constructor, not the builder: the builder copies every default, for every line.
        final LogRecord r = new LogRecord(
                ids.of(host, h.identity, h.generation, offset, text),
                host, LogLines.time(text, zone, clock.instant()), h.path.toString(), text, LogLines.severity(text),
                offset, attributes(truncated, partial));
        batch.add(r);
        published++;
    }

    private static Map<String, String> attributes(final boolean truncated, final boolean partial) {
        if (!partial) {
            return truncated ? TRUNCATED : Map.of();
        }
        return truncated ? Map.of("truncated", "true", "partial", "true") : PARTIAL;
    }

    private void openHarvester(final FileIdentity id, final Path path, final long now) {
        try {
            final long size = Files.size(path);
            final Checkpoint cp = checkpoints.get(id.toString());
            long offset = 0;
            long generation = 0;
            if (cp != null) {
                if (catchUp.resumable(path, cp)) {
                    offset = cp.offset();
                    generation = cp.generation();
                } else {
                    LOG.info("{} was truncated or replaced while the agent was away; reading it from the start", path);
                    if (!catchUp.fromCopy(path, id, cp.offset(), cp.generation(), cp.headLength(), cp.headHash(),
                            now)) {
                        LOG.warn("{}: no copy of its former content found beside it; lines after offset {} may be "
                                + "lost", path, cp.offset());
                    }
                    if (stopping) {
                        return; // its checkpoint holds where the copy's reading stopped
                    }
                    generation = cp.generation() + 1;
                }
            } else if (firstScan && firstRun && options.startAtEnd()) {
                offset = size;
            } else if (isCopyOfOpenFile(path, size)) {
                LOG.debug("{} is a copy of a file already read (copytruncate); skipping its content", path);
                offset = size;
            }
            final Harvester h = new Harvester(path, id, offset, generation, options.format(), now, readBuffer,
                    Harvester.Content.of(opener.open(path)));
            if (cp != null && generation == cp.generation()) {
                h.headLength = cp.headLength();
                h.headHash = cp.headHash();
                h.inLongLine(cp.inLongLine());
            }
            open.put(id, h);
            dirty = true;
            LOG.debug("tailing {} ({}) from offset {}", path, id, offset);
            if (unreadable.remove(path) != null) {
                LOG.info("{}: readable again; tailing it", path);
            }
        } catch (IOException e) {
            // Tried again every round, said once per path and reason: an agent run as a user who may not read a
            // file (mode 600) would otherwise warn every poll, forever
            final String reason = IoErrors.reason(e);
            if (!reason.equals(unreadable.put(path, reason))) {
                LOG.warn("{}: cannot open ({}); tried again every {} ms, said again only when this changes", path,
                        reason, options.pollMillis());
            }
        }
    }

    /** Opens a file for reading; a seam for tests (files a test cannot make unreadable when run as root). */
    interface Opener {
        /** @param path a file @return a channel reading it @throws IOException when it cannot be opened */
        FileChannel open(Path path) throws IOException;
    }

    /** @param o how files are opened from now on; for tests */
    void opener(final Opener o) {
        this.opener = o;
    }

    /**
     * Reads a file that no writer appends to any more (a copy, a rotation) to its end, one harvester bound (8 MiB) at a
     * time, each chunk's records handed to the outbox before the next is read: a rotation of gigabytes is never in
     * memory whole. A stop ({@link #close}) ends it between two chunks, with a checkpoint for the file where it
     * stopped (its path the name the file is found from again); the next start resumes there.
     *
     * @return whether it was read to its end; false when the agent is stopping
     */
    private boolean readToEnd(final Harvester h, final long now) throws IOException {
        while (h.poll(sink, now) > 0) {
            flushBatch();
            if (stopping) {
                checkpoints.put(h.identity.toString(), new Checkpoint(h.identity.toString(), h.path.toString(),
                        h.committedOffset(), h.generation, h.headLength, h.headHash, h.inLongLine()));
                dirty = true;
                return false;
            }
        }
        h.drain(sink, now);
        return true;
    }

    private boolean isCopyOfOpenFile(final Path path, final long size) throws IOException {
        final int length = (int) Math.min(size, Harvester.HEAD_BYTES);
        if (length == 0) {
            return false;
        }
        for (final Harvester h : open.values()) {
            if (h.headLength == length && catchUp.headMatches(path, length, h.headHash)) {
                return true;
            }
        }
        return false;
    }

    private boolean excluded(final Path p) {
        for (final PathMatcher m : excludes) {
            if (m.matches(p)) {
                return true;
            }
        }
        return false;
    }

    /** @return every regular file matching a glob now, by identity */
    private Map<FileIdentity, Path> discover() {
        final Map<FileIdentity, Path> found = new LinkedHashMap<>();
        for (final Glob glob : globs) {
            if (!Files.exists(glob.base())) {
                // said once, not each round: a typo in logs.paths would otherwise tail nothing in silence
                if (missing.add(glob.base())) {
                    LOG.warn("logs.paths: {} does not exist; nothing under it is tailed until it does", glob.base());
                }
                continue;
            }
            if (missing.remove(glob.base())) {
                LOG.info("logs.paths: {} exists now; tailing what matches under it", glob.base());
            }
            try (Stream<Path> walk = walk(glob)) {
                walk.filter(p -> glob.matcher().matches(p) && !excluded(p) && Files.isRegularFile(p)
                                && !RotatedNames.compressed(p))
                        .forEach(p -> {
                            try {
                                found.putIfAbsent(FileIdentity.of(p), p);
                            } catch (IOException e) {
                                LOG.debug("{} vanished while listing", p);
                            }
                        });
            } catch (IOException | java.io.UncheckedIOException e) {
                LOG.debug("listing {} failed: {}", glob.base(), e.getMessage());
            }
        }
        return found;
    }

    /**
     * @return the paths under a glob's base, named under the base as configured. A base that is a symbolic link
     *     (/var/log/app -> /data/app-logs) is followed: Files.walk alone lists only the link itself, and nothing under
     *     it would ever be tailed. Links further down are not followed (a link to a parent would loop).
     */
    private static Stream<Path> walk(final Glob glob) throws IOException {
        if (!Files.isSymbolicLink(glob.base())) {
            return Files.walk(glob.base(), glob.maxDepth());
        }
        final Path target = glob.base().toRealPath();
        return Files.walk(target, glob.maxDepth()).map(p -> glob.base().resolve(target.relativize(p)));
    }

    /**
     * A file pattern, parsed once rather than every round.
     *
     * @param base the longest leading part without wildcards: where listing starts
     * @param matcher matches whole paths
     * @param maxDepth how deep below base matches can be
     */
    private record Glob(Path base, PathMatcher matcher, int maxDepth) {
        static Glob of(final String glob) {
            final Path pattern = Path.of(glob).toAbsolutePath();
            Path base = pattern.getRoot();
            int depth = 0;
            boolean wild = false;
            for (final Path part : pattern) {
                if (wild || part.toString().matches(".*[*?\\[{].*")) {
                    wild = true;
                    depth++;
                } else {
                    base = base.resolve(part);
                }
            }
            return new Glob(base, FileSystems.getDefault().getPathMatcher("glob:" + pattern),
                    glob.contains("**") ? Integer.MAX_VALUE : depth);
        }
    }

    private static void closeQuietly(final Harvester h) {
        try {
            h.close();
        } catch (IOException e) {
            LOG.debug("closing {}", h.path, e);
        }
    }

    /**
     * Stops polling, saves the checkpoints and closes every file; when a round does not end within 30 s (a log on a
     * filesystem that does not answer), stops without them.
     */
    @Override
    public void close() {
        stopping = true;
        if (executor != null) {
            // No interrupt: an interrupted thread closes the file channel it is writing (the spool's).
            executor.shutdown();
            boolean ended = false;
            try {
                ended = executor.awaitTermination(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (!ended) {
                // The round holds this object's lock for as long as its filesystem does not answer: waiting for it
                // would hold the agent's stop for good. The checkpoints saved last stand: what was read since is read
                // again at the next start, under the same ids.
                LOG.warn("log tailing did not end its round within 30 s (a log on a filesystem that does not "
                        + "answer?); stopping without saving the checkpoints: the lines read since they were last "
                        + "saved are read again at the next start, with the same ids");
                return;
            }
        }
        synchronized (this) {
            save(System.nanoTime());
            for (final Harvester h : new ArrayList<>(open.values())) {
                closeQuietly(h);
            }
            open.clear();
        }
    }
}
