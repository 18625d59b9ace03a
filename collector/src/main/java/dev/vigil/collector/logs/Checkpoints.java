package dev.vigil.collector.logs;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.collector.CollectorException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The checkpoint file: one {@link Checkpoint} per file identity, replaced atomically on every save. */
public final class Checkpoints {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path file;

    /** @param file the JSON file, e.g. {@code state.dir/logs/checkpoints.json} */
    public Checkpoints(final Path file) {
        this.file = file;
    }

    /** @return whether a checkpoint file exists (the agent has run before) */
    public boolean exists() {
        return Files.exists(file);
    }

    /** @return when the checkpoints were last saved (the agent saves them when it stops), or null when never */
    public java.time.Instant savedAt() {
        try {
            return Files.getLastModifiedTime(file).toInstant();
        } catch (IOException e) {
            return null;
        }
    }

    /** @return saved checkpoints by identity; empty when none */
    public Map<String, Checkpoint> load() {
        if (!Files.exists(file)) {
            return new LinkedHashMap<>();
        }
        try {
            final List<Checkpoint> list = JSON.readValue(file.toFile(), new TypeReference<List<Checkpoint>>() { });
            final Map<String, Checkpoint> out = new LinkedHashMap<>();
            list.forEach(c -> out.put(c.identity(), c));
            return out;
        } catch (IOException e) {
            throw new CollectorException("log checkpoints " + file + ": unreadable (" + e.getMessage()
                    + "); move it away to start over", e);
        }
    }

    /**
     * Replaces the file with these checkpoints: written to a temporary file, forced, renamed.
     *
     * @param checkpoints all current checkpoints
     */
    public void save(final Collection<Checkpoint> checkpoints) {
        save(checkpoints, null);
    }

    /**
     * Replaces the file with these checkpoints, as {@link #save(Collection)} does.
     *
     * @param checkpoints all current checkpoints
     * @param savedAt what {@link #savedAt()} is to say, when not now: the agent stopped before it read every rotation
     *     made since that time, which the next start must look for again
     */
    public void save(final Collection<Checkpoint> checkpoints, final java.time.Instant savedAt) {
        final Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.createDirectories(file.getParent());
            Files.write(tmp, JSON.writeValueAsBytes(List.copyOf(checkpoints)));
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            if (savedAt != null) {
                Files.setLastModifiedTime(tmp, java.nio.file.attribute.FileTime.from(savedAt));
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new CollectorException("log checkpoints " + file + ": cannot save: " + e.getMessage(), e);
        }
    }
}
