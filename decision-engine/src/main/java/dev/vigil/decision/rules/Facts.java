package dev.vigil.decision.rules;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * The context a rule's CEL expression sees. Each class is a CEL struct type with the public
 * fields below (unknown fields are refused when the rule file loads). Variables:
 * {@code trigger} (string: anomaly, event, forecast, stats or tick), {@code now} (timestamp),
 * {@code anomaly}, {@code event}, {@code forecast}, {@code stats}, {@code dataset}, {@code state}.
 * The variables of other triggers are present with {@code present == false} and zero values, so
 * a rule never fails on a missing field. Counts are {@code int}, ratios and scores {@code
 * double}, ages {@code duration}, times {@code timestamp}; mixing int and double in arithmetic
 * needs {@code double(x)}, comparisons need nothing.
 */
public final class Facts {
    /** What "never" is as an age: a century, larger than any policy interval. */
    public static final Duration NEVER = Duration.ofDays(36500);

    private Facts() {
    }

    /** The anomaly step that triggered the evaluation. */
    public static final class AnomalyFacts {
        public final boolean present;
        public final String id;
        /** metric, log, host or file. */
        public final String kind;
        public final String series;
        /** OPEN, UPDATE or CLOSE. */
        public final String phase;
        /** In [0, 1]. */
        public final double score;
        public final double peakScore;
        public final double observed;
        public final double baseline;
        public final Instant episodeStart;
        /** Dataset named by the anomaly, or "". */
        public final String dataset;
        public final String explanation;
        public final String detector;

        AnomalyFacts(final boolean present, final String id, final String kind, final String series,
                     final String phase, final double score, final double peakScore, final double observed,
                     final double baseline, final Instant episodeStart, final String dataset,
                     final String explanation, final String detector) {
            this.present = present;
            this.id = id;
            this.kind = kind;
            this.series = series;
            this.phase = phase;
            this.score = score;
            this.peakScore = peakScore;
            this.observed = observed;
            this.baseline = baseline;
            this.episodeStart = episodeStart;
            this.dataset = dataset;
            this.explanation = explanation;
            this.detector = detector;
        }
    }

    /** File activity of one collector interval ({@code event.file}). */
    public static final class FileFacts {
        public final boolean present;
        public final long created;
        public final long modified;
        public final long deleted;
        public final long renamed;
        /** Bytes. */
        public final long bytesWritten;
        /** Bits per byte in [0, 8]; -1 when nothing was sampled. */
        public final double writeEntropy;
        public final long entropySampledBytes;
        /** Number of changed paths listed (bounded by the collector). */
        public final long changedPaths;
        /** Number of deleted paths listed (bounded by the collector). */
        public final long deletedPaths;
        /** Whether the path lists hold every change of the interval. */
        public final boolean complete;
        public final Duration interval;

        FileFacts(final boolean present, final long created, final long modified, final long deleted,
                  final long renamed, final long bytesWritten, final double writeEntropy,
                  final long entropySampledBytes, final long changedPaths, final long deletedPaths,
                  final boolean complete, final Duration interval) {
            this.present = present;
            this.created = created;
            this.modified = modified;
            this.deleted = deleted;
            this.renamed = renamed;
            this.bytesWritten = bytesWritten;
            this.writeEntropy = writeEntropy;
            this.entropySampledBytes = entropySampledBytes;
            this.changedPaths = changedPaths;
            this.deletedPaths = deletedPaths;
            this.complete = complete;
            this.interval = interval;
        }
    }

    /** The host event that triggered the evaluation. */
    public static final class EventFacts {
        public final boolean present;
        public final String id;
        /** e.g. file.activity, disk.error. */
        public final String kind;
        /** DEBUG, INFO, WARN, ERROR or CRITICAL. */
        public final String severity;
        public final String message;
        /** Dataset the event names, or "". */
        public final String dataset;
        public final Map<String, String> attributes;
        public final FileFacts file;

        EventFacts(final boolean present, final String id, final String kind, final String severity,
                   final String message, final String dataset, final Map<String, String> attributes,
                   final FileFacts file) {
            this.present = present;
            this.id = id;
            this.kind = kind;
            this.severity = severity;
            this.message = message;
            this.dataset = dataset;
            this.attributes = attributes;
            this.file = file;
        }
    }

    /** The time-to-full forecast that triggered the evaluation. */
    public static final class ForecastFacts {
        public final boolean present;
        public final String id;
        public final String series;
        /** From the series' mountpoint attribute, or "". */
        public final String mountpoint;
        public final double current;
        public final double capacity;
        public final double ratePerSecond;
        public final Duration timeToFull;
        public final Duration horizon;
        /** Goodness of fit in [0, 1]. */
        public final double r2;

        ForecastFacts(final boolean present, final String id, final String series, final String mountpoint,
                      final double current, final double capacity, final double ratePerSecond,
                      final Duration timeToFull, final Duration horizon, final double r2) {
            this.present = present;
            this.id = id;
            this.series = series;
            this.mountpoint = mountpoint;
            this.current = current;
            this.capacity = capacity;
            this.ratePerSecond = ratePerSecond;
            this.timeToFull = timeToFull;
            this.horizon = horizon;
            this.r2 = r2;
        }
    }

    /** The statistics window that triggered the evaluation. */
    public static final class StatsFacts {
        public final boolean present;
        public final String id;
        public final String series;
        /** e.g. 1m or 15m/1m. */
        public final String window;
        public final long count;
        public final double mean;
        public final double min;
        public final double max;
        public final double stddev;
        /** -1 when the analyzer did not compute it. */
        public final double median;
        /** -1 when the analyzer did not compute it. */
        public final double p95;

        StatsFacts(final boolean present, final String id, final String series, final String window,
                   final long count, final double mean, final double min, final double max, final double stddev,
                   final double median, final double p95) {
            this.present = present;
            this.id = id;
            this.series = series;
            this.window = window;
            this.count = count;
            this.mean = mean;
            this.min = min;
            this.max = max;
            this.stddev = stddev;
            this.median = median;
            this.p95 = p95;
        }
    }

    /** The dataset the rule is evaluated for, from its spec. */
    public static final class DatasetFacts {
        public final String id;
        public final String host;
        public final String path;
        /** LOW, MEDIUM, HIGH or CRITICAL. */
        public final String criticality;
        /** 1 (LOW) to 4 (CRITICAL); 0 unknown. */
        public final long criticalityLevel;
        public final Duration rpo;
        public final Duration fullEvery;
        public final Duration verifyEvery;
        public final boolean autoRestore;
        public final boolean autoMigrate;
        /** "" when none. */
        public final String offsiteRepository;
        /** Maintenance window, "" when none. */
        public final String schedule;
        public final Map<String, String> tags;

        DatasetFacts(final String id, final String host, final String path, final String criticality,
                     final long criticalityLevel, final Duration rpo, final Duration fullEvery,
                     final Duration verifyEvery, final boolean autoRestore, final boolean autoMigrate,
                     final String offsiteRepository, final String schedule, final Map<String, String> tags) {
            this.id = id;
            this.host = host;
            this.path = path;
            this.criticality = criticality;
            this.criticalityLevel = criticalityLevel;
            this.rpo = rpo;
            this.fullEvery = fullEvery;
            this.verifyEvery = verifyEvery;
            this.autoRestore = autoRestore;
            this.autoMigrate = autoMigrate;
            this.offsiteRepository = offsiteRepository;
            this.schedule = schedule;
            this.tags = tags;
        }
    }

    /** What the engine knows about the dataset (see {@code DatasetState}). Ages are {@link #NEVER} when never. */
    public static final class StateFacts {
        public final boolean hasBackup;
        public final Duration sinceBackup;
        public final Duration sinceFull;
        public final Duration sinceVerify;
        /** Bytes of the last FULL; 0 unknown. */
        public final long lastFullBytes;
        /** Files in the last successful backup's snapshot: 0 when it held none (emptied) or before the first. */
        public final long lastFileCount;
        public final long changedBytesSinceFull;
        public final long changedFilesSinceFull;
        /** changedBytesSinceFull / lastFullBytes; 0 when unknown. */
        public final double changeRatioSinceFull;
        public final long chainLength;
        public final long openEpisodes;
        /** Start of the earliest open episode, or of the triggering activity; epoch when none. */
        public final Instant episodeStart;
        /** Failures in a row. */
        public final long recentFailures;
        /** Commands of this dataset in flight. */
        public final long inFlight;
        /** Commands of every dataset of this host in flight. */
        public final long hostInFlight;
        public final long pendingProposals;
        /** The change-rate window. */
        public final Duration window;
        public final long windowBytesWritten;
        public final long windowFilesChanged;
        /** Files deleted in the window. */
        public final long windowDeleted;
        /** Files created in the window: a directory that turns its files over deletes as many, and loses none. */
        public final long windowCreated;
        /** windowBytesWritten / lastFullBytes; 0 when unknown. */
        public final double windowChangeRatio;
        /** Share of the window covered by intervals with any change, in [0, 1]. */
        public final double windowActiveFraction;
        /** Backup interval set by a rule; 0s when none. */
        public final Duration intervalOverride;
        /**
         * Vigil's own restore is (or was, during the triggering file activity) writing into the dataset: a RESTORE
         * onto its path in flight, or one that ended after the activity began.
         */
        public final boolean restoring;
        /**
         * Files modified or renamed with near-random content (write entropy at least 7.5 bits/byte) in the current run
         * of such intervals, which ends after a change-rate window without one; a file rewritten again and again counts
         * once; 0 when none.
         */
        public final long nearRandomRewrites;
        /** Start of that run; epoch when none. */
        public final Instant nearRandomSince;
        /** The activity horizon (policy activity.horizon, 24h by default): the longer view, counted by the hour. */
        public final Duration horizon;
        /** Files created within the horizon (its hours), not by Vigil's own restore. */
        public final long horizonCreated;
        /** Files deleted within the horizon (its hours); minus horizonCreated, the files the dataset lost over it. */
        public final long horizonDeleted;
        /** Start of the first interval within the horizon that deleted a file; epoch when none. */
        public final Instant horizonDeletedSince;
        /**
         * Files rewritten with near-random content within the horizon (its hours), as nearRandomRewrites counts them
         * but across the pauses that end a run; a path among the last 4096 counts once.
         */
        public final long horizonRewrites;
        /** Start of the first interval within the horizon that counted one; epoch when none. */
        public final Instant horizonRewritesSince;

        StateFacts(final boolean hasBackup, final Duration sinceBackup, final Duration sinceFull,
                   final Duration sinceVerify, final long lastFullBytes, final long lastFileCount,
                   final long changedBytesSinceFull, final long changedFilesSinceFull,
                   final double changeRatioSinceFull, final long chainLength, final long openEpisodes,
                   final Instant episodeStart, final long recentFailures, final long inFlight,
                   final long hostInFlight, final long pendingProposals, final Duration window,
                   final long windowBytesWritten, final long windowFilesChanged, final long windowDeleted,
                   final long windowCreated, final double windowChangeRatio,
                   final double windowActiveFraction, final Duration intervalOverride, final boolean restoring,
                   final long nearRandomRewrites, final Instant nearRandomSince, final Duration horizon,
                   final long horizonCreated, final long horizonDeleted, final Instant horizonDeletedSince,
                   final long horizonRewrites, final Instant horizonRewritesSince) {
            this.hasBackup = hasBackup;
            this.sinceBackup = sinceBackup;
            this.sinceFull = sinceFull;
            this.sinceVerify = sinceVerify;
            this.lastFullBytes = lastFullBytes;
            this.lastFileCount = lastFileCount;
            this.changedBytesSinceFull = changedBytesSinceFull;
            this.changedFilesSinceFull = changedFilesSinceFull;
            this.changeRatioSinceFull = changeRatioSinceFull;
            this.chainLength = chainLength;
            this.openEpisodes = openEpisodes;
            this.episodeStart = episodeStart;
            this.recentFailures = recentFailures;
            this.inFlight = inFlight;
            this.hostInFlight = hostInFlight;
            this.pendingProposals = pendingProposals;
            this.window = window;
            this.windowBytesWritten = windowBytesWritten;
            this.windowFilesChanged = windowFilesChanged;
            this.windowDeleted = windowDeleted;
            this.windowCreated = windowCreated;
            this.windowChangeRatio = windowChangeRatio;
            this.windowActiveFraction = windowActiveFraction;
            this.intervalOverride = intervalOverride;
            this.restoring = restoring;
            this.nearRandomRewrites = nearRandomRewrites;
            this.nearRandomSince = nearRandomSince;
            this.horizon = horizon;
            this.horizonCreated = horizonCreated;
            this.horizonDeleted = horizonDeleted;
            this.horizonDeletedSince = horizonDeletedSince;
            this.horizonRewrites = horizonRewrites;
            this.horizonRewritesSince = horizonRewritesSince;
        }
    }
}
