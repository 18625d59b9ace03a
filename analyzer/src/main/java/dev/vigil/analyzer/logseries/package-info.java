/**
 * Logs to numbers ({@link dev.vigil.analyzer.logseries.LogProcessor}): a record delivered again (same id, within
 * the dedup window and the host's last 8,192 ids, kept in buckets: {@link dev.vigil.analyzer.logseries.HostIds}) is
 * dropped before anything else; each log line gets a
 * stable template id from the template miner of {@code dev.vigil.analyzer.logs}; per host and
 * window, line counts, error-level counts, never-seen-template counts and per-template counts
 * become series ({@link dev.vigil.analyzer.logseries.LogSeries}) that the series pipeline
 * summarizes and scores like any metric. Templates are published to the compacted template topic.
 */
package dev.vigil.analyzer.logseries;
