package dev.vigil.collector.logs;

import dev.vigil.schemas.IoErrors;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Catches a {@link LogTailer} up on rotations it did not see happen: a file rotated or truncated (copytruncate) while
 * the agent was stopped, whose rest is read from the file under its rotated name, from the copy, or from a compressed
 * rotation; and generations rotated in and out unseen (stopped over two rotations, or two between two rounds), read
 * whole, oldest first, before the new file. The rotation holding a file the tailer was reading is told by content
 * (identity; a copy's or a compressed rotation's decompressed head against its checkpoint), the order of rotations by
 * name ({@link RotatedNames#age}), modification times only where names do not tell.
 *
 * <p>It works on the tailer's own open harvesters and checkpoints, on the tailer's thread.
 */
final class RotationCatchUp {
    /** Logged as the tailer: operators set the level of log tailing by its name. */
    private static final Logger LOG = LoggerFactory.getLogger(LogTailer.class);
    private static final int FINISHED_KEPT = 1024;

    /** What the catch-up asks of the tailer it works for. */
    interface Tailer {
        /** Tails a file as any other, from its checkpoint or its start. */
        void tail(FileIdentity id, Path path, long now);

        /**
         * Reads a file no writer appends to any more to its end, chunk by chunk.
         *
         * @return false when the agent is stopping (the file's checkpoint says where it stopped)
         */
        boolean readToEnd(Harvester h, long now) throws IOException;

        /** @return a channel reading the file */
        FileChannel open(Path path) throws IOException;

        /** @return whether the agent is stopping: a long read stops between two chunks */
        boolean stopping();

        /** Says that the checkpoints changed: they are to be saved. */
        void changed();
    }

    private final LogTailer.Options options;
    private final Map<FileIdentity, Harvester> open;
    private final Map<String, Checkpoint> checkpoints;
    private final java.nio.ByteBuffer readBuffer;
    private final Tailer tailer;
    /** Files read to their end lately (rotated away and closed, copies read), oldest first; at most FINISHED_KEPT. */
    private final java.util.Set<FileIdentity> finished = new java.util.LinkedHashSet<>();

    /**
     * @param options the tailer's options (olddirs, line format)
     * @param open the tailer's open harvesters, by identity
     * @param checkpoints the tailer's checkpoints, by identity; changed here as rests are read
     * @param readBuffer the tailer's read buffer, shared by every harvester
     * @param tailer the tailer
     */
    RotationCatchUp(final LogTailer.Options options, final Map<FileIdentity, Harvester> open,
                    final Map<String, Checkpoint> checkpoints, final java.nio.ByteBuffer readBuffer,
                    final Tailer tailer) {
        this.options = options;
        this.open = open;
        this.checkpoints = checkpoints;
        this.readBuffer = readBuffer;
        this.tailer = tailer;
    }

    /**
     * A file the tailer holds open was rotated away since the last round, perhaps more than once: the generations
     * rotated in and out meanwhile are tailed (or read whole, compressed) before new files. A compressed one is read at
     * once, so the rest of {@code h} is read first.
     *
     * @return false when the agent is stopping (the checkpoint of the file being read says where it stopped)
     */
    boolean afterRotation(final Harvester h, final Map<FileIdentity, Path> seen, final java.time.Instant since,
                          final long now) {
        final Map<FileIdentity, Path> unseen = generationsNeverSeen(h.path, seen, List.copyOf(checkpoints.values()),
                since);
        if (unseen.values().stream().anyMatch(Compressed::is) && !readRestFirst(h, now)) {
            return false;
        }
        unseen.forEach((id, p) -> tailOrReadWhole(id, p, h.path, now));
        return true;
    }

    /**
     * A file the tailer holds open was truncated in place (copytruncate): its rest is read from its copy, then the
     * copies made since, complete, in order. The caller restarts it at its new start unless the agent is stopping.
     */
    void afterTruncation(final Harvester h, final Map<FileIdentity, Path> seen, final java.time.Instant since,
                         final long now) {
        LOG.info("{} was truncated in place (copytruncate); reading the rest from its copy", h.path);
        if (!fromCopy(h.path, h.identity, h.committedOffset(), h.generation, h.headLength, h.headHash, now)) {
            LOG.warn("{}: truncated, and no copy found beside it; lines after offset {} may be lost", h.path,
                    h.committedOffset());
        }
        // truncated more than once since: the copies between are complete, read them now, in order
        generationsNeverSeen(h.path, seen, List.copyOf(checkpoints.values()), since)
                .forEach((id, p) -> readWhole(id, p, h.path, now));
    }

    /** @return whether a file holds what its checkpoint says was read: not truncated (or replaced) since */
    boolean resumable(final Path path, final Checkpoint cp) {
        try {
            return cp.offset() <= Files.size(path) && headMatches(path, cp.headLength(), cp.headHash());
        } catch (IOException e) {
            return true; // the tailer says why it cannot read it when it opens it
        }
    }

    /**
     * At the first round after a start: checkpointed files not found under the globs may have been renamed by a
     * rotation while the agent was down, or truncated (copytruncate); their rests are read, then the generations
     * rotated in and out unseen since the stop.
     *
     * @param seen the files under the globs now
     * @param savedAt when the previous run last saved its checkpoints (null: never)
     * @param now {@link System#nanoTime()}
     * @param reachable whether a checkpoint's path is caught up now: not under a glob that does not answer
     */
    void afterRestart(final Map<FileIdentity, Path> seen, final java.time.Instant savedAt, final long now,
                      final java.util.function.Predicate<Path> reachable) {
        final java.util.Set<Path> tailedAs = new java.util.LinkedHashSet<>();
        final List<Checkpoint> saved = List.copyOf(checkpoints.values());
        for (final Checkpoint cp : saved) {
            if (!reachable.test(Path.of(cp.path()))) {
                continue; // under a glob whose filesystem does not answer: caught up once it does
            }
            tailedAs.add(Path.of(cp.path()));
            final FileIdentity id = FileIdentity.parse(cp.identity());
            if (seen.containsKey(id)) {
                if (!resumable(seen.get(id), cp)) {
                    // Truncated while the agent was away (copytruncate): the rest is read from the copy now, before
                    // the copies made after it (the generations below) and the file's new content, which is then
                    // read from its start as the next truncation generation
                    LOG.info("{} was truncated or replaced while the agent was away; reading it from the start",
                            seen.get(id));
                    if (!fromCopy(seen.get(id), id, cp.offset(), cp.generation(), cp.headLength(), cp.headHash(),
                            now)) {
                        LOG.warn("{}: no copy of its former content found beside it; lines after offset {} may be "
                                + "lost", seen.get(id), cp.offset());
                    }
                    if (tailer.stopping()) {
                        return; // its checkpoint holds where the copy's reading stopped
                    }
                    checkpoints.put(cp.identity(), new Checkpoint(cp.identity(), cp.path(), 0, cp.generation() + 1, 0,
                            0, false));
                    tailer.changed();
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
                tailer.tail(id, moved.get(), now);
            } else {
                // compressed by the rotation (a new file: only its content tells), or gone
                if (!fromCopy(Path.of(cp.path()), id, cp.offset(), cp.generation(), cp.headLength(), cp.headHash(),
                        now)) {
                    LOG.info("{} ({}) is gone and no file beside it holds its content; forgetting it", cp.path(),
                            cp.identity());
                }
                if (tailer.stopping()) {
                    return; // its checkpoint holds where the copy's reading stopped
                }
                checkpoints.remove(cp.identity());
                tailer.changed();
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
            tailer.tail(id, generation, now);
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
            return tailer.readToEnd(h, now);
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
     * file does: its rest is read from the checkpoint's offset by {@link #fromCopy}, not whole. So does a
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
        final java.time.Instant compressedAfter = holding.stream().map(RotationCatchUp::modified)
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
                : Comparator.comparing(RotationCatchUp::modified);
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
        if (tailer.stopping()) {
            return;
        }
        final boolean compressed = Compressed.is(p);
        try (Harvester h = new Harvester(p, id, 0, 0, options.format(), now, readBuffer,
                compressed ? Compressed.content(p) : Harvester.Content.of(tailer.open(p)))) {
            if (compressed) {
                // A stop in its middle leaves its checkpoint under the log's name, as for the rest of a file read
                // from its compressed rotation: the next start finds it by its decompressed head and resumes there
                h.path = tailed;
            }
            if (tailer.readToEnd(h, now)) {
                finished(id);
            }
        } catch (IOException e) {
            LOG.warn("{}: cannot read it ({}); its lines are lost", p, IoErrors.reason(e));
        }
    }

    /** Remembers a file read to its end, so that its name under a rotation never makes it a generation unseen. */
    void finished(final FileIdentity id) {
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
                : java.nio.channels.Channels.newInputStream(tailer.open(p))) {
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
    boolean fromCopy(final Path path, final FileIdentity id, final long offset, final long generation,
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
                content = Harvester.Content.of(tailer.open(from));
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
            if (tailer.readToEnd(h, now)) {
                finished(FileIdentity.of(from));
            }
        } catch (IOException e) {
            LOG.warn("{}: cannot read its copy {}: {}", path, from, e.getMessage());
        }
        return true;
    }

    boolean headMatches(final Path path, final int length, final long hash) throws IOException {
        if (length == 0) {
            return true;
        }
        try (FileChannel ch = tailer.open(path)) {
            return ch.size() >= length && Harvester.headHash(ch, length) == hash;
        }
    }
}
