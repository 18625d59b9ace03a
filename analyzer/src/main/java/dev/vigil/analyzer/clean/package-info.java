/**
 * Cleaning: what a record must be to enter the analysis. Malformed or impossible records are
 * rejected with a reason ({@link dev.vigil.analyzer.clean.RejectedRecordException}, then the
 * dead-letter topic); retried duplicates are dropped by record id within a bounded window ({@link
 * dev.vigil.analyzer.clean.RecentIds}); short gaps in regular series are filled and flagged
 * imputed ({@link dev.vigil.analyzer.clean.GapFiller}), never silently. Refused records are also reported per host
 * and {@link dev.vigil.analyzer.clean.Refusal} at WARN, rate-limited ({@link dev.vigil.analyzer.clean.HostWarnings}).
 */
package dev.vigil.analyzer.clean;
