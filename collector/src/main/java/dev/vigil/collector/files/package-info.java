/**
 * File activity in protected datasets: per dataset and interval, files created, modified, deleted
 * and renamed, bytes written and the sampled entropy of new content, published as a
 * {@code file.activity} event and as metrics keyed by dataset.
 *
 * <p>Invariants: {@code journalSequence} counts intervals from 1 without gaps within one watcher run,
 * {@code watcherEpoch} is new for every run, and {@code complete} is true only when the interval's
 * path lists hold every change (no lost notification, no unreadable directory, no cut list).
 */
package dev.vigil.collector.files;
