package dev.vigil.backup.worker;

import dev.vigil.backup.BackupException;
import dev.vigil.backup.archiver.ChangeJournal;
import dev.vigil.schemas.FileActivity;
import dev.vigil.schemas.json.RecordJson;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The worker's durable change journal: per dataset it serves, the collector's {@code FileActivity}
 * intervals, one JSON line each in {@code <state dir>/journal/<dataset>.jsonl}, forced to disk
 * before {@link #append} returns (so the caller may then commit the Kafka offset). An interval is
 * kept once per (watcher epoch, sequence), so a redelivered event changes nothing. Whether the
 * intervals cover a backup is decided later, by {@link ChangeJournal#plan}: a lost or torn line
 * shows up there as a gap, and the backup scans. Thread-safe.
 */
public final class JournalStore {
    private final Path dir;
    private final int maxIntervals;
    private final Map<String, List<FileActivity>> intervals = new LinkedHashMap<>();
    private final Map<String, Set<String>> keys = new LinkedHashMap<>();
    /** Per dataset, the end of the latest interval received since start, kept or forgotten as covered. */
    private final Map<String, Instant> lastEnd = new java.util.HashMap<>();

    /**
     * @param dir the journal directory (created when missing)
     * @param datasets the datasets served; intervals of others are ignored
     * @param maxIntervals most intervals kept per dataset; the oldest go first (the journal then no longer
     *     reaches back to an old parent, and that backup scans)
     * @throws BackupException when a journal file cannot be read
     */
    public JournalStore(final Path dir, final List<String> datasets, final int maxIntervals) {
        this.dir = dir;
        this.maxIntervals = maxIntervals;
        try {
            Files.createDirectories(dir);
            for (final String id : datasets) {
                intervals.put(id, new ArrayList<>());
                keys.put(id, new HashSet<>());
                final Path f = file(id);
                if (Files.exists(f)) {
                    final String text = Files.readString(f, StandardCharsets.UTF_8);
                    boolean torn = !text.isEmpty() && !text.endsWith("\n");
                    for (final String line : text.split("\n")) {
                        torn |= !remember(id, line);
                    }
                    if (torn) {
                        // Rewritten without the torn line, so the next append starts on a line of its own.
                        rewrite(id);
                    }
                }
            }
        } catch (IOException e) {
            throw new BackupException("journal " + dir + ": cannot read: " + e.getMessage(), e);
        }
    }

    private boolean remember(final String dataset, final String line) {
        if (line.isBlank()) {
            return true;
        }
        try {
            final FileActivity a = RecordJson.read(line, FileActivity.class);
            if (keys.get(dataset).add(key(a))) {
                intervals.get(dataset).add(a);
            }
            return true;
        } catch (IllegalArgumentException e) {
            // A line torn by a crash: its Kafka offset was not committed, so the interval comes again.
            return false;
        }
    }

    private static String key(final FileActivity a) {
        return a.getWatcherEpoch() + "/" + a.getJournalSequence();
    }

    private Path file(final String dataset) {
        return dir.resolve(URLEncoder.encode(dataset, StandardCharsets.UTF_8) + ".jsonl");
    }

    /**
     * Records an interval durably.
     *
     * @param a an interval of a served dataset
     * @return false when it was known already or its dataset is not served
     * @throws BackupException when it cannot be written
     */
    public synchronized boolean append(final FileActivity a) {
        final String id = a.getDataset();
        if (!intervals.containsKey(id) || keys.get(id).contains(key(a))) {
            return false;
        }
        final byte[] line = (RecordJson.write(a) + "\n").getBytes(StandardCharsets.UTF_8);
        try (FileChannel ch = FileChannel.open(file(id), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            final ByteBuffer buf = ByteBuffer.wrap(line);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(false);
        } catch (IOException e) {
            throw new BackupException("journal " + file(id) + ": cannot append: " + e.getMessage(), e);
        }
        keys.get(id).add(key(a));
        lastEnd.merge(id, a.getIntervalEnd(), (x, y) -> x.isAfter(y) ? x : y);
        final List<FileActivity> list = intervals.get(id);
        list.add(a);
        if (list.size() > maxIntervals) {
            list.subList(0, list.size() - maxIntervals + maxIntervals / 10).clear();
            rewrite(id);
        }
        return true;
    }

    /**
     * @param dataset a served dataset
     * @return its intervals as a journal (empty for an unknown dataset)
     */
    public synchronized ChangeJournal journal(final String dataset) {
        return new ChangeJournal(intervals.getOrDefault(dataset, List.of()), lastEnd.get(dataset));
    }

    /** @return intervals kept for the dataset */
    public synchronized int size(final String dataset) {
        return intervals.getOrDefault(dataset, List.of()).size();
    }

    /**
     * Forgets the intervals a backup no longer needs: those that ended at or before the coverage point
     * of the dataset's newest snapshot.
     *
     * @param dataset a served dataset
     * @param coveredFrom the newest snapshot's coverage point
     */
    public synchronized void covered(final String dataset, final Instant coveredFrom) {
        final List<FileActivity> list = intervals.get(dataset);
        if (list != null && list.removeIf(a -> !a.getIntervalEnd().isAfter(coveredFrom))) {
            rewrite(dataset);
        }
    }

    private void rewrite(final String dataset) {
        final List<FileActivity> list = intervals.get(dataset);
        final Set<String> k = keys.get(dataset);
        k.clear();
        final StringBuilder text = new StringBuilder();
        for (final FileActivity a : list) {
            k.add(key(a));
            text.append(RecordJson.write(a)).append('\n');
        }
        final Path f = file(dataset);
        final Path tmp = f.resolveSibling(f.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            final ByteBuffer buf = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(false);
        } catch (IOException e) {
            throw new BackupException("journal " + tmp + ": cannot write: " + e.getMessage(), e);
        }
        try {
            Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new BackupException("journal " + f + ": cannot replace: " + e.getMessage(), e);
        }
    }
}
