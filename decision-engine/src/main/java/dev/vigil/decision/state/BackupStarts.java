package dev.vigil.decision.state;

import java.util.ArrayList;
import java.util.List;

/**
 * The backups one engine task started recently, and the datasets whose routine backup waits for room under the task's
 * cap ({@code guard.task.max.backups} within {@code guard.task.backups.window}). Store {@code task-backups}, one entry per
 * stream task: the task owns a partition of the hosts, so the count is exact for them and needs no coordination; the
 * fleet-wide bound is the cap times the partitions.
 *
 * @param started when each backup within the window was issued, engine epoch ms, oldest first
 * @param waiting datasets held back by the cap, in the order they were first held: room goes to them in that order
 */
public record BackupStarts(List<Long> started, List<Waiting> waiting) {
    /** Store key of the single entry. */
    public static final String KEY = "backups";

    /**
     * A dataset waiting for room.
     *
     * @param dataset its id
     * @param since when the cap first held its backup back, epoch ms
     * @param wantedAt when it last asked, epoch ms: one that stopped asking (backed up otherwise, removed, held by
     *     another guardrail) leaves the line after a window
     */
    public record Waiting(String dataset, long since, long wantedAt) {
    }

    /** Copies the lists so the value never changes under a reader. */
    public BackupStarts {
        started = started == null ? List.of() : List.copyOf(started);
        waiting = waiting == null ? List.of() : List.copyOf(waiting);
    }

    /** @return no backups started, none waiting */
    public static BackupStarts none() {
        return new BackupStarts(List.of(), List.of());
    }

    /**
     * @param now epoch ms
     * @param windowMs the cap's window
     * @return the same without the starts and the waiting datasets older than the window
     */
    public BackupStarts within(final long now, final long windowMs) {
        return new BackupStarts(started.stream().filter(t -> now - t < windowMs).toList(),
                waiting.stream().filter(w -> now - w.wantedAt() < windowMs).toList());
    }

    /**
     * @param dataset a dataset id
     * @return its place in the line from 0, or -1 when it does not wait
     */
    public int place(final String dataset) {
        for (int i = 0; i < waiting.size(); i++) {
            if (waiting.get(i).dataset().equals(dataset)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * @param dataset a dataset whose backup was just issued
     * @param now epoch ms
     * @return the same with the start counted and the dataset out of the line
     */
    public BackupStarts withStart(final String dataset, final long now) {
        final List<Long> next = new ArrayList<>(started);
        next.add(now);
        return new BackupStarts(next, waiting.stream().filter(w -> !w.dataset().equals(dataset)).toList());
    }

    /**
     * @param dataset a dataset whose backup the cap holds back
     * @param now epoch ms
     * @return the same with it in the line: at its place if it waits already, else last
     */
    public BackupStarts withWaiting(final String dataset, final long now) {
        final List<Waiting> next = new ArrayList<>(waiting);
        final int at = place(dataset);
        if (at >= 0) {
            next.set(at, new Waiting(dataset, waiting.get(at).since(), now));
        } else {
            next.add(new Waiting(dataset, now, now));
        }
        return new BackupStarts(started, next);
    }
}
