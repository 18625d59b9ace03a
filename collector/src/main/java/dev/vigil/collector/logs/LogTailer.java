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
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * logrotate made (a sibling whose leading bytes match), then from its new start. Checkpoints hold,
 * per identity, the offset of the first byte not yet accepted by the outbox; they are saved after
 * the outbox is synced, so a restart resumes exactly there, and record ids are derived from file
 * identity, truncation generation, offset and text ({@link RecordIds}), so a record read twice has one id.
 */
public final class LogTailer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LogTailer.class);
    private static final long SAVE_EVERY_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final int FINISHED_KEPT = 1024;
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
    /** Files read to their end lately (rotated away and closed, copies read), oldest first; at most FINISHED_KEPT. */
    private final java.util.Set<FileIdentity> finished = new java.util.LinkedHashSet<>();
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
            resumeRotatedWhileDown(seen, now);
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
                final Map<FileIdentity, Path> unseen = generationsNeverSeen(h.path, seen,
                        List.copyOf(checkpoints.values()), since);
                if (unseen.values().stream().anyMatch(Compressed::is) && !readRestFirst(h, now)) {
                    interrupted = true;
                    return;
                }
                unseen.forEach((id, p) -> tailOrReadWhole(id, p, h.path, now));
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
                    LOG.info("{} was truncated in place (copytruncate); reading the rest from its copy", h.path);
                    if (!catchUpFromCopy(h.path, h.identity, h.committedOffset(), h.generation, h.headLength,
                            h.headHash, now)) {
                        LOG.warn("{}: truncated, and no copy found beside it; lines after offset {} may be lost",
                                h.path, h.committedOffset());
                    }
                    // truncated more than once since: the copies between are complete, read them now, in order
                    generationsNeverSeen(h.path, seen, List.copyOf(checkpoints.values()), since)
                            .forEach((id, p) -> readWhole(id, p, h.path, now));
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
                    finished(h.identity);
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
                if (resumable(path, cp)) {
                    offset = cp.offset();
                    generation = cp.generation();
                } else {
                    LOG.info("{} was truncated or replaced while the agent was away; reading it from the start", path);
                    if (!catchUpFromCopy(path, id, cp.offset(), cp.generation(), cp.headLength(), cp.headHash(),
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

    /** @return whether a file holds what its checkpoint says was read: not truncated (or replaced) since */
    private boolean resumable(final Path path, final Checkpoint cp) {
        try {
            return cp.offset() <= Files.size(path) && headMatches(path, cp.headLength(), cp.headHash());
        } catch (IOException e) {
            return true; // openHarvester says why it cannot read it
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

    /** Checkpointed files not found under the globs may have been renamed by a rotation while the agent was down. */
    private void resumeRotatedWhileDown(final Map<FileIdentity, Path> seen, final long now) {
        final java.util.Set<Path> tailedAs = new java.util.LinkedHashSet<>();
        final List<Checkpoint> saved = List.copyOf(checkpoints.values());
        for (final Checkpoint cp : saved) {
            tailedAs.add(Path.of(cp.path()));
            final FileIdentity id = FileIdentity.parse(cp.identity());
            if (seen.containsKey(id)) {
                if (!resumable(seen.get(id), cp)) {
                    // Truncated while the agent was away (copytruncate): the rest is read from the copy now, before
                    // the copies made after it (the generations below) and the file's new content, which is then
                    // read from its start as the next truncation generation
                    LOG.info("{} was truncated or replaced while the agent was away; reading it from the start",
                            seen.get(id));
                    if (!catchUpFromCopy(seen.get(id), id, cp.offset(), cp.generation(), cp.headLength(),
                            cp.headHash(), now)) {
                        LOG.warn("{}: no copy of its former content found beside it; lines after offset {} may be "
                                + "lost", seen.get(id), cp.offset());
                    }
                    if (stopping) {
                        return; // its checkpoint holds where the copy's reading stopped
                    }
                    checkpoints.put(cp.identity(), new Checkpoint(cp.identity(), cp.path(), 0, cp.generation() + 1, 0,
                            0, false));
                    dirty = true;
                }
                continue;
            }
            final Optional<Path> moved = RotatedNames.siblings(Path.of(cp.path()), options.rotatedDirs())
                    .filter(p -> {
                        try {
                            return FileIdentity.of(p).equals(id);
                        } catch (IOException e) {
                            return false;
                        }
                    }).findFirst();
            if (moved.isPresent()) {
                LOG.info("{} was rotated to {} while the agent was away; reading its rest", cp.path(), moved.get());
                openHarvester(id, moved.get(), now);
            } else {
                // compressed by the rotation (a new file: only its content tells), or gone
                if (!catchUpFromCopy(Path.of(cp.path()), id, cp.offset(), cp.generation(), cp.headLength(),
                        cp.headHash(), now)) {
                    LOG.info("{} ({}) is gone and no file beside it holds its content; forgetting it", cp.path(),
                            cp.identity());
                }
                if (stopping) {
                    return; // its checkpoint holds where the copy's reading stopped
                }
                checkpoints.remove(cp.identity());
                dirty = true;
            }
        }
        for (final Path p : tailedAs) {
            generationsNeverSeen(p, seen, saved, savedAt).forEach((id, g) -> tailOrReadWhole(id, g, p, now));
        }
    }

    /**
     * A generation rotated unseen: a plain file is tailed as any other (opened before the new file, so read before
     * it); a compressed one cannot be, and is read whole at once.
     */
    private void tailOrReadWhole(final FileIdentity id, final Path generation, final Path tailed, final long now) {
        if (Compressed.is(generation)) {
            readWhole(id, generation, tailed, now);
        } else {
            openHarvester(id, generation, now);
        }
    }

    /**
     * Reads a file rotated away to its current end before a compressed generation after it is read whole at once, so
     * that their lines keep their order; a writer still appending to it is read on, as ever.
     *
     * @return false when the agent is stopping (the file's checkpoint says where it stopped)
     */
    private boolean readRestFirst(final Harvester h, final long now) {
        try {
            return readToEnd(h, now);
        } catch (IOException e) {
            LOG.warn("{}: cannot read ({}); will retry", h.path, IoErrors.reason(e));
            return true;
        }
    }

    /**
     * Stopped over two rotations or more (or over two between two rounds), the agent finds the file it was reading
     * under a rotated name, and a new file under the tailed name; the generations between were rotated in and out
     * unseen. They are the files under a rotated name of the tailed one, of no identity the agent knows or has read
     * to its end, rotated after the file it was reading: each is to be read whole, oldest first, after the rest of the
     * file it was reading and before the new one. A copy of a file the agent was reading (copytruncate) starts as that
     * file does: its rest is read from the checkpoint's offset by {@link #catchUpFromCopy}, not whole. So does a
     * compressed rotation of it ({@code compress} without {@code delaycompress}: a new inode), told by its decompressed
     * head. Which rotations came after it is told by their names ({@link RotatedNames#age}): app.log.1 after
     * app.log.2, whatever times a copy, a compressor or a clock step gave them. Only where names do not tell (no
     * rotation holds the file the agent was reading, or names of no order) do times: a generation written to after
     * {@code since} (when the agent last saved its checkpoints, at its stop; or its previous round), a compressed one
     * also after every rotation holding a file the agent was reading (logrotate keeps a file's time when it
     * compresses it, and those older were read before).
     *
     * @return those generations, oldest first; none when {@code since} is null (nothing was seen before)
     */
    private Map<FileIdentity, Path> generationsNeverSeen(final Path tailed, final Map<FileIdentity, Path> seen,
                                                         final List<Checkpoint> saved, final java.time.Instant since) {
        if (since == null) {
            return Map.of();
        }
        final List<Path> plain = RotatedNames.siblings(tailed, options.rotatedDirs())
                .filter(p -> RotatedNames.rotated(tailed, p)).toList();
        final List<Path> compressed = RotatedNames.compressedSiblings(tailed, options.rotatedDirs())
                .filter(p -> RotatedNames.rotatedCompressed(tailed, p)).toList();
        // The rotations holding a file the agent was reading: renamed (its identity), copied (copytruncate) or
        // compressed since (a new inode), the last two told by their (decompressed) head
        final List<Path> copies = Stream.concat(plain.stream(), compressed.stream())
                .filter(p -> holdsSaved(p, compressed.contains(p), saved)).toList();
        final List<Path> holding = Stream.concat(copies.stream(), plain.stream().filter(this::known)).distinct()
                .toList();
        final java.util.function.Function<Path, RotatedNames.Age> age = p -> RotatedNames.age(tailed,
                compressed.contains(p) ? p.resolveSibling(RotatedNames.stem(p)) : p);
        final RotatedNames.Age newestHolding = newest(holding.stream().map(age).toList());
        final java.time.Instant compressedAfter = holding.stream().map(LogTailer::modified)
                .reduce(since, (a, b) -> a.isAfter(b) ? a : b);
        final Map<Path, FileIdentity> found = new LinkedHashMap<>();
        for (final Path p : Stream.concat(plain.stream(), compressed.stream()).distinct().toList()) {
            try {
                final FileIdentity id = FileIdentity.of(p);
                final RotatedNames.Age a = age.apply(p);
                final boolean after = newestHolding != null && newestHolding.comparable(a)
                        ? a.newness() > newestHolding.newness()
                        : modified(p).isAfter(compressed.contains(p) ? compressedAfter : since);
                if (!seen.containsKey(id) && !open.containsKey(id) && !checkpoints.containsKey(id.toString())
                        && !finished.contains(id) && !copies.contains(p) && after) {
                    found.put(p, id);
                }
            } catch (IOException e) {
                LOG.debug("{} vanished while listing", p);
            }
        }
        final Comparator<Path> oldestFirst = newest(found.keySet().stream().map(age).toList()) != null
                ? Comparator.comparingLong(p -> age.apply(p).newness())
                : Comparator.comparing(LogTailer::modified);
        final Map<FileIdentity, Path> unseen = new LinkedHashMap<>();
        found.keySet().stream().sorted(oldestFirst).forEach(p -> unseen.put(found.get(p), p));
        unseen.forEach((id, p) -> LOG.info("{} was rotated in and out unseen (while the agent was stopped, or "
                + "between two rounds): reading it whole", p));
        return unseen;
    }

    /** @return the newest of these ages when they are all of one kind (none unknown), else null */
    private static RotatedNames.Age newest(final List<RotatedNames.Age> ages) {
        if (ages.isEmpty() || ages.get(0) == null || ages.stream().anyMatch(a -> !ages.get(0).comparable(a))) {
            return null;
        }
        return ages.stream().max(Comparator.comparingLong(RotatedNames.Age::newness)).orElseThrow();
    }

    /** @return when a file was last written, to the nanosecond where the filesystem keeps it; EPOCH when gone */
    private static java.time.Instant modified(final Path p) {
        try {
            return Files.getLastModifiedTime(p).toInstant();
        } catch (IOException e) {
            return java.time.Instant.EPOCH;
        }
    }

    /** @return whether a plain rotation is a file the agent was reading (renamed away by the rotation) */
    private boolean known(final Path p) {
        try {
            final FileIdentity id = FileIdentity.of(p);
            return open.containsKey(id) || checkpoints.containsKey(id.toString());
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Reads a complete file that no writer appends to any more (a copy, a generation rotated unseen, compressed or
     * not), and remembers it as read.
     *
     * @param tailed the log it is a rotation of
     */
    private void readWhole(final FileIdentity id, final Path p, final Path tailed, final long now) {
        if (stopping) {
            return;
        }
        final boolean compressed = Compressed.is(p);
        try (Harvester h = new Harvester(p, id, 0, 0, options.format(), now, readBuffer,
                compressed ? Compressed.content(p) : Harvester.Content.of(opener.open(p)))) {
            if (compressed) {
                // A stop in its middle leaves its checkpoint under the log's name, as for the rest of a file read
                // from its compressed rotation: the next start finds it by its decompressed head and resumes there
                h.path = tailed;
            }
            if (readToEnd(h, now)) {
                finished(id);
            }
        } catch (IOException e) {
            LOG.warn("{}: cannot read it ({}); its lines are lost", p, IoErrors.reason(e));
        }
    }

    /** Remembers a file read to its end, so that its name under a rotation never makes it a generation unseen. */
    private void finished(final FileIdentity id) {
        finished.add(id);
        if (finished.size() > FINISHED_KEPT) {
            finished.remove(finished.iterator().next());
        }
    }

    /**
     * @param compressed whether the file is compressed: its decompressed head is compared
     * @return whether a file's (decompressed) head is that of a file the agent was reading: a copy of it, or a
     *     compressed rotation of it
     */
    private boolean holdsSaved(final Path p, final boolean compressed, final List<Checkpoint> saved) {
        // read once, not once per checkpoint: every tailed file has one, and each look at a compressed file starts a
        // decoder
        final byte[] head;
        try (java.io.InputStream in = compressed ? Compressed.open(p)
                : java.nio.channels.Channels.newInputStream(opener.open(p))) {
            head = in.readNBytes(Harvester.HEAD_BYTES);
        } catch (IOException e) {
            return false;
        }
        for (final Checkpoint cp : saved) {
            if (cp.headLength() > 0 && cp.headLength() <= head.length
                    && Harvester.headHash(head, cp.headLength()) == cp.headHash()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Reads {@code [offset, end)} of the copy copytruncate made of a file, as the old generation; the copy may have
     * been gzipped already ({@code compress}), and so may a file rotated while the agent was stopped. Lines written
     * between logrotate's copy and its truncation are in neither file: logrotate loses those itself.
     *
     * @return whether a copy was found (or there was nothing to look for)
     */
    private boolean catchUpFromCopy(final Path path, final FileIdentity id, final long offset, final long generation,
                                    final int headLength, final long headHash, final long now) {
        if (headLength == 0) {
            return true;
        }
        // A copy shorter than the offset is the copy all the same: the agent polled between logrotate's copy and its
        // truncation and read the lines written meanwhile from the file itself. Nothing of it is left to read, but it
        // is remembered as read, or the next rotation would find it under a new name and read it whole again.
        final Optional<Path> copy = RotatedNames.siblings(path, options.rotatedDirs())
                .filter(p -> !p.equals(path))
                .filter(p -> {
                    try {
                        return headMatches(p, headLength, headHash);
                    } catch (IOException e) {
                        return false;
                    }
                })
                .max(Comparator.comparing((Path p) -> p.toFile().length() >= offset)
                        .thenComparing(p -> p.toFile().lastModified()));
        final Path from;
        final Harvester.Content content;
        try {
            if (copy.isPresent()) {
                from = copy.get();
                content = Harvester.Content.of(opener.open(from));
            } else {
                final Optional<Path> compressed = RotatedNames.compressedSiblings(path, options.rotatedDirs())
                        .filter(p -> Compressed.headMatches(p, headLength, headHash))
                        .max(Comparator.comparing(p -> p.toFile().lastModified()));
                if (compressed.isEmpty()) {
                    return false;
                }
                LOG.info("{}: its rest is in {}, compressed by the rotation; reading it", path, compressed.get());
                from = compressed.get();
                // decompressed as it is read, never whole: a rotation of gigabytes would fill state.dir's disk
                content = Compressed.content(from);
            }
        } catch (IOException e) {
            LOG.warn("{}: cannot read its copy ({}); lines after offset {} may be lost", path, IoErrors.reason(e),
                    offset);
            return true;
        }
        try (Harvester h = new Harvester(from, id, offset, generation, options.format(), now, readBuffer, content)) {
            h.path = path;
            // the checkpoint of a read cut short by a stop finds this copy again by these
            h.headLength = headLength;
            h.headHash = headHash;
            if (readToEnd(h, now)) {
                finished(FileIdentity.of(from));
            }
        } catch (IOException e) {
            LOG.warn("{}: cannot read its copy {}: {}", path, from, e.getMessage());
        }
        return true;
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
            if (h.headLength == length && headMatches(path, length, h.headHash)) {
                return true;
            }
        }
        return false;
    }

    private boolean headMatches(final Path path, final int length, final long hash) throws IOException {
        if (length == 0) {
            return true;
        }
        try (FileChannel ch = opener.open(path)) {
            return ch.size() >= length && Harvester.headHash(ch, length) == hash;
        }
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

    /** Stops polling, saves the checkpoints and closes every file. */
    @Override
    public void close() {
        stopping = true;
        if (executor != null) {
            // No interrupt: an interrupted thread closes the file channel it is writing (the spool's).
            executor.shutdown();
            try {
                executor.awaitTermination(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
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
