package dev.vigil.collector.files;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The directories of one dataset that could not be listed (typically: the agent's user may not read them), with why.
 * Their entries stay as indexed (not reported deleted), and every interval is incomplete while one is, since what
 * changes in it is not seen. Said once when met and once when it can be read again: a scan meets it every interval.
 *
 * <p>Called under the watcher's lock.
 */
final class UnreadableDirs {
    /** The watcher's logger: its messages keep one logger name, the one log configurations select. */
    private static final Logger LOG = LoggerFactory.getLogger(DatasetWatcher.class);

    private final String dataset;
    private final Map<Path, String> reasons = new HashMap<>();

    /** @param dataset dataset id, for messages */
    UnreadableDirs(final String dataset) {
        this.dataset = dataset;
    }

    /** A directory could not be listed. */
    void failed(final Path dir, final IOException e) {
        if (reasons.put(dir, why(e)) == null) {
            LOG.warn("dataset {}: cannot read {} ({}); every interval is marked incomplete until it can be read, said "
                    + "again only then", dataset, dir, why(e));
        }
    }

    /** A directory was listed. */
    void listed(final Path dir) {
        if (reasons.remove(dir) != null) {
            LOG.info("dataset {}: {} can be read again", dataset, dir);
        }
    }

    /** Forgets those gone or replaced by a file: their parent's notification or listing tells the index. */
    void forgetGone() {
        reasons.keySet().removeIf(d -> !Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS));
    }

    /**
     * Lists each again: no notification comes from inside one (it cannot be watched either), so this is how the
     * watcher sees that it became readable, or went away.
     *
     * @param scan compares a directory and everything under it with the index
     */
    void relist(final Consumer<Path> scan) {
        for (final Path dir : List.copyOf(reasons.keySet())) {
            if (reasons.containsKey(dir)) { // not listed meanwhile, as part of another
                scan.accept(dir);
            }
        }
    }

    /** @return whether none is unreadable now */
    boolean isEmpty() {
        return reasons.isEmpty();
    }

    /** @return why a path could not be read, in words (an AccessDeniedException's message is the path alone) */
    private static String why(final IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
