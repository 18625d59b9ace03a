package dev.vigil.backup.worker;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.backup.BackupException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The worker's durable record of the commands it took on: an append-only file of JSON lines,
 * forced to disk after every line, read back at start. A command is STARTED before any work and
 * DONE once its final result is published, so a restart knows what to resume and what to skip.
 * The position (partition and offset) it came from tells a redelivery from a replay.
 */
public final class Ledger implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final FileChannel file;
    private final Map<String, Entry> entries = new HashMap<>();

    /**
     * One command's state.
     *
     * @param commandId the command
     * @param state STARTED or DONE
     * @param partition where it was read
     * @param offset where it was read
     * @param status its final status when DONE
     * @param time when written, ISO-8601
     */
    public record Entry(String commandId, String state, int partition, long offset, String status, String time) {
        /** @return whether the command's work is finished and reported */
        public boolean done() {
            return "DONE".equals(state);
        }
    }

    /**
     * @param path the ledger file (created with its directory when missing)
     * @throws BackupException when it cannot be read or opened
     */
    public Ledger(final Path path) {
        try {
            Files.createDirectories(path.toAbsolutePath().getParent());
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
                    try {
                        final Entry e = JSON.readValue(line, Entry.class);
                        entries.put(e.commandId(), e);
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
            entries.put(e.commandId(), e);
        } catch (IOException ex) {
            throw new BackupException("ledger: cannot record command " + e.commandId() + ": " + ex.getMessage(), ex);
        }
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
