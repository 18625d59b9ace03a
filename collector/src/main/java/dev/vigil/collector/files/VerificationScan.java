package dev.vigil.collector.files;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The periodic check of the notifications ({@code files.verify.interval.ms}, watch mode): a full comparison of the
 * tree with the index after the notifications were applied, so that what still differs is what they missed. In auto
 * mode a miss switches the dataset to scanning for good.
 *
 * <p>Called under the watcher's lock.
 */
final class VerificationScan {
    /** The watcher's logger: its messages keep one logger name, the one log configurations select. */
    private static final Logger LOG = LoggerFactory.getLogger(DatasetWatcher.class);

    private final String dataset;
    private final Path root;
    private final DatasetWatcher.Options options;
    private final Watches watches;
    private final TreeScan tree;
    private long lastVerify = System.nanoTime();

    /**
     * @param dataset dataset id, for messages
     * @param root the dataset's root
     * @param options the period, the mode asked for, the paths kept per interval
     * @param watches whose notifications are checked
     * @param tree compares the tree with the index
     */
    VerificationScan(final String dataset, final Path root, final DatasetWatcher.Options options,
                     final Watches watches, final TreeScan tree) {
        this.dataset = dataset;
        this.root = root;
        this.options = options;
        this.watches = watches;
        this.tree = tree;
    }

    /**
     * Verifies when a period has passed since the last verification; what it finds goes to {@code changes} either way.
     *
     * @return false when it ran and found changes the notifications missed
     */
    boolean verifyIfDue(final Changes changes) {
        if (options.verifyMillis() > 0
                && System.nanoTime() - lastVerify >= TimeUnit.MILLISECONDS.toNanos(options.verifyMillis())) {
            lastVerify = System.nanoTime();
            return verify(changes);
        }
        return true;
    }

    private boolean verify(final Changes changes) {
        final Changes missed = new Changes(options.maxKeptPaths());
        try {
            return verify(changes, missed);
        } finally {
            missed.release();
        }
    }

    private boolean verify(final Changes changes, final Changes missed) {
        tree.scan(root, missed);
        try {
            // Notifications of changes made during the scan take a moment to arrive; those are not misses.
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        final Set<String> pending = new HashSet<>();
        watches.notified().forEach(p -> pending.add(tree.rel(p)));
        // A path under a notified one is no miss either: a directory renamed or deleted while the scan walked it
        // makes its whole subtree differ, and the next interval walks a notified directory whole.
        final Predicate<String> notified = rel -> {
            for (String r = rel; ; r = TreeScan.parent(r)) {
                if (pending.contains(r)) {
                    return true;
                }
                if (r.isEmpty()) {
                    return false;
                }
            }
        };
        final boolean clean = missed.created.keySet().stream().allMatch(notified)
                && missed.modified.keySet().stream().allMatch(notified)
                && missed.deleted.keySet().stream().allMatch(notified);
        changes.addAll(missed);
        if (!clean) {
            LOG.warn("dataset {}: the verification scan found changes the notifications missed; interval marked "
                    + "incomplete{}", dataset, "auto".equals(options.mode()) ? ", switching to scan mode" : "");
            if ("auto".equals(options.mode())) {
                watches.abandon(); // notifications are unreliable here: not tried again
            }
        }
        return clean;
    }
}
