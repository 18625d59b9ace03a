package dev.vigil.backup.worker;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.backup.BackupException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's durable record of the commands it took on: an append-only file of JSON lines,
 * forced to disk after every line, read back at start. A command is STARTED before any work and
 * DONE with its final result once its work is over, so a restart knows what to resume and what to skip.
 * The result stays in the entry until the cluster acknowledged it: a result the cluster could not take
 * (an outage, a kill -9 before the acknowledgement) is sent again, not lost.
 * The position (partition and offset) it came from tells a redelivery from a replay.
 *
 * <p>When the file holds more than twice as many lines as entries (and at least {@link #COMPACT_MIN_LINES}), it is
 * rewritten with one line per entry, dropping those of commands issued longer than {@code forgetAfter} ago (the
 * worker refuses such a command as expired, replayed or not) unless they hold an unsent result. The new file is
 * written beside it, forced, renamed over it and the directory forced: a kill at any point leaves the old file or the
 * new one, whole.
 */
public final class Ledger implements AutoCloseable {
    /** Below this many lines the file is not compacted. */
    public static final int COMPACT_MIN_LINES = 1000;
    private static final Logger LOG = LoggerFactory.getLogger(Ledger.class);
    private static final ObjectMapper JSON = new ObjectMapper().setSerializationInclusion(JsonInclude.Include.NON_NULL);
    private final Path path;
    private final Duration forgetAfter;
    private final Clock clock;
    private final int minLines;
    private FileChannel file;
    /** Lines in the file, entries or torn. */
    private long lines;
    /** By command id, in the order last written: the unsent results are sent again in the order they were done. */
    private final Map<String, Entry> entries = new LinkedHashMap<>();

    /**
     * One command's state.
     *
     * @param commandId the command
     * @param state STARTED or DONE
     * @param partition where it was read
     * @param offset where it was read
     * @param status its final status when DONE
     * @param time when written, ISO-8601
     * @param issued when the command was issued (its {@code time}), ISO-8601; null in entries older than compaction
     * @param dataset the dataset of the command, the key of its result; null in entries older than kept results
     * @param result the final result (a serialized {@code BackupResult}, base64) while the cluster has not acknowledged
     *     it, else null
     */
    public record Entry(String commandId, String state, int partition, long offset, String status, String time,
                        String issued, String dataset, String result) {
        /** An entry without a result to send. */
        public Entry(final String commandId, final String state, final int partition, final long offset,
                     final String status, final String time, final String issued) {
            this(commandId, state, partition, offset, status, time, issued, null, null);
        }

        /** @return whether the command's work is finished (its result sent, or kept here until it is) */
        public boolean done() {
            return "DONE".equals(state);
        }

        /** @return whether it holds a final result the cluster has not acknowledged */
        public boolean unsent() {
            return result != null;
        }

        /**
         * @param key the result's record key (the dataset)
         * @param value the serialized result
         * @return this entry holding the result until it is sent
         */
        public Entry withResult(final String key, final byte[] value) {
            return new Entry(commandId, state, partition, offset, status, time, issued, key,
                    Base64.getEncoder().encodeToString(value));
        }

        /** @return this entry once the cluster acknowledged its result */
        public Entry sent() {
            return new Entry(commandId, state, partition, offset, status, time, issued, dataset, null);
        }

        /** @return the serialized result; only when {@link #unsent()} */
        public byte[] resultBytes() {
            return Base64.getDecoder().decode(result);
        }
    }

    /**
     * A ledger that forgets nothing when it compacts.
     *
     * @param path the ledger file (created with its directory when missing)
     * @throws BackupException when it cannot be read or opened
     */
    public Ledger(final Path path) {
        this(path, null, Clock.systemUTC());
    }

    /**
     * @param path the ledger file (created with its directory when missing)
     * @param forgetAfter entries of commands issued longer ago than this are dropped when the file is compacted (unless
     *     they hold an unsent result); null keeps them
     * @param clock the time source
     * @throws BackupException when it cannot be read or opened
     */
    public Ledger(final Path path, final Duration forgetAfter, final Clock clock) {
        this(path, forgetAfter, clock, COMPACT_MIN_LINES);
    }

    Ledger(final Path path, final Duration forgetAfter, final Clock clock, final int minLines) {
        this.path = path.toAbsolutePath();
        this.forgetAfter = forgetAfter;
        this.clock = clock;
        this.minLines = minLines;
        try {
            Files.createDirectories(this.path.getParent());
            // a compaction killed before its rename: the ledger itself is whole
            Files.deleteIfExists(compacted());
            boolean torn = false;
            if (Files.exists(path)) {
                // decoded leniently: a line torn inside a character must not keep the worker from starting
                final byte[] bytes = Files.readAllBytes(path);
                torn = bytes.length > 0 && bytes[bytes.length - 1] != '\n';
                final List<String> lines = new String(bytes, StandardCharsets.UTF_8).lines().toList();
                for (final String line : lines) {
                    if (line.isBlank()) {
                        continue;
                    }
                    this.lines++;
                    try {
                        remember(JSON.readValue(line, Entry.class));
                    } catch (IOException e) {
                        // A line torn by a crash while it was written: its command was not started.
                    }
                }
            }
            this.file = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
            if (torn) {
                // the next entry on a line of its own, not glued to the torn one (and lost with it at the next start)
                file.write(ByteBuffer.wrap(new byte[] {'\n'}));
                file.force(false);
            }
            compactIfDue();
        } catch (IOException e) {
            throw new BackupException("ledger " + path + ": " + e.getMessage(), e);
        }
    }

    /**
     * @param commandId a command
     * @return its entry, or null when never seen
     */
    public synchronized Entry get(final String commandId) {
        return entries.get(commandId);
    }

    /**
     * Records an entry durably.
     *
     * @param e the entry
     */
    public synchronized void put(final Entry e) {
        try {
            final byte[] line = (JSON.writeValueAsString(e) + "\n").getBytes(StandardCharsets.UTF_8);
            final ByteBuffer buf = ByteBuffer.wrap(line);
            while (buf.hasRemaining()) {
                file.write(buf);
            }
            file.force(false);
            remember(e);
            lines++;
        } catch (IOException ex) {
            throw new BackupException("ledger: cannot record command " + e.commandId() + ": " + ex.getMessage(), ex);
        }
        compactIfDue();
    }

    private Path compacted() {
        return path.resolveSibling(path.getFileName() + ".compact");
    }

    /** Rewrites the file with one line per entry that still matters; on failure the old file stays in use. */
    private void compactIfDue() {
        if (lines < minLines || lines <= 2L * entries.size()) {
            return;
        }
        final long before = lines;
        final int had = entries.size();
        if (forgetAfter != null) {
            final Instant now = clock.instant();
            entries.values().removeIf(e -> !e.unsent() && forgotten(e, now));
        }
        final Path tmp = compacted();
        try {
            try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                final StringBuilder text = new StringBuilder();
                for (final Entry e : entries.values()) {
                    text.append(JSON.writeValueAsString(e)).append('\n');
                }
                final ByteBuffer buf = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
                while (buf.hasRemaining()) {
                    out.write(buf);
                }
                out.force(true);
            }
            Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            try (FileChannel dir = FileChannel.open(path.getParent(), StandardOpenOption.READ)) {
                dir.force(true); // the rename itself survives a power loss
            }
            final FileChannel old = file;
            file = FileChannel.open(path, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
            old.close();
            lines = entries.size();
            LOG.info("ledger {} compacted: {} lines of {} commands to {} lines ({} commands forgotten, issued more "
                    + "than {} ago)", path, before, had, lines, had - entries.size(), forgetAfter);
        } catch (IOException e) {
            // the old file is whole and still appended to; the next put tries again
            LOG.warn("ledger {}: cannot compact ({}); it keeps growing until it can", path, e.toString());
        }
    }

    private boolean forgotten(final Entry e, final Instant now) {
        try {
            final Instant issued = Instant.parse(e.issued() != null ? e.issued() : e.time());
            return issued.plus(forgetAfter).isBefore(now);
        } catch (DateTimeParseException | NullPointerException bad) {
            return false;
        }
    }

    private void remember(final Entry e) {
        entries.remove(e.commandId()); // last written goes last
        entries.put(e.commandId(), e);
    }

    /** @return the entries whose final result the cluster has not acknowledged, in the order they were done */
    public synchronized List<Entry> unsent() {
        return entries.values().stream().filter(Entry::unsent).toList();
    }

    @Override
    public synchronized void close() {
        try {
            file.close();
        } catch (IOException e) {
            // Every line was forced already.
        }
    }
}
