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
import java.util.Set;
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
    /** How long a round waits for the globs' listings: as long as the metrics wait for a filesystem's listing. */
    private static final long LIST_WAIT_MILLIS = 2_000;
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
    private final DiskErrors diskErrors = new DiskErrors();
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
    /** Lists the globs, each on a thread of its own, so that one on a filesystem that does not answer holds no other. */
    private final GlobListings<Listed> listings = new GlobListings<>(LIST_WAIT_MILLIS);
    /** Bases of the globs whose listing did not answer this round: their files are left as they are. */
    private Set<Path> stalled = Set.of();
    /** Bases of the globs that have not answered since the start, and of those that answer for the first time now. */
    private final Set<Path> neverListed = new java.util.HashSet<>();
    private Set<Path> firstListed = Set.of();

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
        unreadable.keySet().removeIf(p -> !seen.containsValue(p) && !stalled(p)); // gone: said again if it comes back
        // A second of margin: the kernel stamps a file's mtime from a clock a few milliseconds coarse
        final java.time.Instant since = lastRound == null ? null : lastRound.minusSeconds(1);
        roundSince = firstScan ? savedAt : since;
        // A glob that did not answer at the start has its start's round once it answers
        firstListed = firstScan ? Set.of() : neverListed.stream().filter(b -> !stalled.contains(b)).collect(
                java.util.stream.Collectors.toSet());
        if (firstScan || !firstListed.isEmpty()) {
            neverListed.addAll(stalled);
            neverListed.removeAll(firstListed);
            final Set<Path> answered = firstListed;
            // Before new files, so that a rotated file's rest comes before its successor's lines.
            catchUp.afterRestart(seen, savedAt, now, firstScan ? p -> !stalled(p) : p -> under(answered, p));
            if (stopping) {
                interrupted = true;
                return;
            }
        }
        lastRound = clock.instant();
        for (final Harvester h : List.copyOf(open.values())) {
            if (!seen.containsKey(h.identity) && !h.rotatedAway && !stalled(h.path)) {
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
            if (stalled(h.path)) {
                continue; // its glob's filesystem does not answer: read once it does, from its checkpoint
            }
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
            final long now = System.nanoTime();
            batch.forEach(r -> diskErrors.of(r, now).ifPresent(outbox::publish));
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
            } else if ((firstScan || under(firstListed, path)) && firstRun && options.startAtEnd()) {
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

    /**
     * @return every regular file matching a glob that answered within {@link #LIST_WAIT_MILLIS}, by identity; the
     *     bases of the others are in {@link #stalled}
     */
    private Map<FileIdentity, Path> discover() {
        final Map<String, java.util.concurrent.Callable<Listed>> todo = new LinkedHashMap<>();
        globs.forEach(g -> todo.put(g.text(), () -> list(g)));
        final Map<String, Listed> listed = listings.list(todo);
        final Map<FileIdentity, Path> found = new LinkedHashMap<>();
        final java.util.Set<Path> notAnswered = new java.util.HashSet<>();
        for (final Glob glob : globs) {
            final Listed l = listed.get(glob.text());
            if (l == null) {
                notAnswered.add(glob.base());
                continue;
            }
            if (!l.exists()) {
                // said once, not each round: a typo in logs.paths would otherwise tail nothing in silence
                if (missing.add(glob.base())) {
                    LOG.warn("logs.paths: {} does not exist; nothing under it is tailed until it does", glob.base());
                }
                continue;
            }
            if (missing.remove(glob.base())) {
                LOG.info("logs.paths: {} exists now; tailing what matches under it", glob.base());
            }
            l.files().forEach(found::putIfAbsent);
        }
        stalled = notAnswered;
        return found;
    }

    /** What one glob's listing found: whether its base exists, and its files by identity. */
    private record Listed(boolean exists, Map<FileIdentity, Path> files) {
    }

    /** Lists one glob; runs on a thread of {@link #listings}, and may wait there for good. */
    private Listed list(final Glob glob) {
        if (!Files.exists(glob.base())) {
            return new Listed(false, Map.of());
        }
        final Map<FileIdentity, Path> found = new LinkedHashMap<>();
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
        return new Listed(true, found);
    }

    /** @return whether a path is under a glob whose listing did not answer this round: left as it is */
    private boolean stalled(final Path p) {
        return under(stalled, p);
    }

    private static boolean under(final Set<Path> bases, final Path p) {
        for (final Path base : bases) {
            if (p.startsWith(base)) {
                return true;
            }
        }
        return false;
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
     * @param text the pattern as configured
     */
    private record Glob(Path base, PathMatcher matcher, int maxDepth, String text) {
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
                    glob.contains("**") ? Integer.MAX_VALUE : depth, glob);
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
            listings.close(); // after the round: an interrupted listing would look like files gone
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
        listings.close();
    }
}
