package dev.vigil.decision.state;

import com.fasterxml.jackson.annotation.JsonSetter;
import dev.vigil.schemas.Action;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What the engine knows about one dataset. Store {@code dataset-state}, keyed by dataset id.
 * Public fields so the JSON encoding is plain; only the engine changes them, one record at a time.
 */
public final class DatasetState {
    /** Snapshots remembered per dataset, newest last. */
    public static final int MAX_SNAPSHOTS = 32;
    /** File-activity intervals remembered for the change-rate window. */
    public static final int MAX_ACTIVITY = 512;
    /** Write entropy from which an interval's writes are near-random (encrypted or compressed), bits per byte. */
    public static final double NEAR_RANDOM_BITS = 7.5;
    /** Least sampled bytes for an interval's write entropy to say anything. */
    public static final long NEAR_RANDOM_SAMPLE = 4096;
    /** Paths a rewrite run remembers, so that a file rewritten again and again counts once. */
    public static final int RUN_PATHS = 256;
    /**
     * Deleted paths remembered over the change-rate window and the activity horizon, for a restore of deletions spread
     * over many intervals.
     */
    public static final int WINDOW_DELETED_PATHS = 256;
    /**
     * Paths the activity horizon's near-random rewrites remember, so that a document saved again and again counts once
     * (a busy office share saves the same few hundred all day). Held as 3-byte fingerprints ({@link Rewritten}): some
     * 16 KiB of the state's JSON when all are held, which is written at every file-activity interval.
     */
    public static final int HORIZON_REWRITE_PATHS = 4096;
    /** Hours of file activity the longer view keeps at most (a week and the current hour), whatever its horizon. */
    public static final int MAX_TALLIES = 7 * 24 + 1;
    /** Commands written off without a result that are remembered, for a result the worker sends later. */
    public static final int MAX_WRITTEN_OFF = 32;
    /** Final results remembered (command and status), so that one the worker reports again counts once. */
    public static final int MAX_FINAL_RESULTS = 32;
    /** File-activity events remembered by id, so that one the collector delivers again counts once. */
    public static final int MAX_ACTIVITY_IDS = 32;
    /** Collector watcher runs remembered by their latest interval, so that one delivered again counts once. */
    public static final int MAX_WATCHER_RUNS = 8;

    /** Dataset id. */
    public String dataset;
    /** Host that holds it. */
    public String host;
    /** Last success per action name (FULL, INCREMENTAL, DIFFERENTIAL, VERIFY, FORGET, PRUNE, RESTORE, MIGRATE). */
    public Map<String, Success> success = new TreeMap<>();
    /** First successful backup of any level, epoch ms; 0 before. */
    public long firstBackupAt;
    /** Last successful backup of any level, epoch ms; 0 before. */
    public long lastBackupAt;
    /** Recent snapshots, newest last, at most {@link #MAX_SNAPSHOTS}. */
    public List<Snapshot> snapshots = new ArrayList<>();
    /** Bytes written to the dataset since the last FULL started, from file activity. */
    public long changedBytesSinceFull;
    /** Files created, modified, deleted or renamed since the last FULL, from file activity. */
    public long changedFilesSinceFull;
    /** Size of the last FULL snapshot's files, in bytes; 0 when unknown. */
    public long lastFullBytes;
    /** Files in the last successful backup's snapshot, whatever they were (0 once emptied); 0 before the first. */
    public long lastFileCount;
    /** Snapshots since the last FULL: 0 after a FULL, +1 per INCREMENTAL, 1 after a DIFFERENTIAL. */
    public int chainLength;
    /** Open anomaly episodes that concern this dataset, by episode id. */
    public Map<String, Episode> episodes = new TreeMap<>();
    /**
     * Anomaly series the engine decided on, by series name: what a new episode of the same series must exceed to be
     * decided on again. Entries quiet for longer than the quiet period no longer hold anything back and are dropped.
     */
    public Map<String, SeriesMemory> series = new TreeMap<>();
    /** Recent file-activity intervals, oldest first. */
    public List<Activity> activity = new ArrayList<>();
    /**
     * The current run of near-random rewrites, or null: ransomware that encrypts a few files per collector interval
     * shows in no single interval, only in the run.
     */
    public RewriteRun rewriteRun;
    /**
     * Paths deleted within the activity horizon (at least the change-rate window), oldest first, at most {@link
     * #WINDOW_DELETED_PATHS}: deletions a few per interval, which no single interval's list holds, restored together.
     */
    public List<Deleted> deletedPaths = new ArrayList<>();
    /**
     * File activity per hour over the activity horizon, oldest first, at most {@link #MAX_TALLIES}: a dataset losing a
     * few percent of its files an hour shows in no interval and in no change-rate window, only over hours.
     */
    public List<Tally> tallies = new ArrayList<>();
    /**
     * The paths the horizon's near-random rewrites counted, by the hour of the {@link Tally} that counted them, oldest
     * first, at most {@link #HORIZON_REWRITE_PATHS} in all: each counts once while that hour is held, and again when
     * rewritten after it has left the horizon (with its count).
     */
    public List<Rewritten> horizonRewritten = new ArrayList<>();
    /**
     * The host's clock as file activity shows it: the engine's time minus the host's, in ms, i.e. the least delay
     * (receipt minus interval end) of the dataset's intervals since {@link #clockOffsetAt}. The least, not the latest: a
     * backlog the collector replays after an outage arrives late but was dated right by the host, and is kept in the
     * host's time; a host whose clock is hours off shows that offset in every interval.
     */
    public long clockOffset;
    /** When {@link #clockOffset} was last measured at its least, engine epoch ms; 0 unknown (or reset by clock.jump). */
    public long clockOffsetAt;
    /**
     * When the latest RESTORE into the dataset's own path ended (succeeded or failed), epoch ms; 0 before any. Its
     * writes show up in the collector's file activity up to then, and are not the dataset's users' doing.
     */
    public long restoredIntoAt;
    /**
     * The current run of failures per lane ({@link Intent#laneOf}); a lane's entry goes with its next success. Per lane,
     * so that a failing FORGET or VERIFY neither resets the backoff of failing backups nor their count toward
     * escalation, nor drops their retry.
     */
    public Map<String, Failure> failures = new TreeMap<>();
    /**
     * When the engine escalated that the worker accepts none of the dataset's commands while its RPO is exceeded,
     * epoch ms; 0 when not, or since the worker answered again (so it is said once per silence).
     */
    public long silenceEscalatedAt;
    /**
     * When the engine last escalated the dataset's failing backups, epoch ms; 0 since its last successful backup (said
     * again a day or an RPO later, the longer, while they fail past the RPO).
     */
    public long overdueEscalatedAt;
    /**
     * The snapshot whose file count the dataset's shrinking was last escalated against ({@code shrinking}), or null:
     * said once per such snapshot.
     */
    public String shrinkSaidFor;
    /**
     * When the worker's loss guard last reported a backup that lost most of the dataset (rule {@code data-loss}),
     * engine epoch ms; 0 never. {@code shrinking} compares only the snapshots taken since: that loss is said once.
     */
    public long lossSaidAt;
    /** Commands issued and not finished, by command id. */
    public Map<String, InFlight> inFlight = new TreeMap<>();
    /**
     * Commands written off without a result (expired), oldest first, at most {@link #MAX_WRITTEN_OFF}: one the worker
     * still ran (past command.ttl), or whose result it kept while the cluster was away, reports later, and its result
     * corrects the write-off.
     */
    public List<WrittenOff> writtenOff = new ArrayList<>();
    /**
     * The latest final results (succeeded, failed, rejected) as "command-id STATUS", oldest first, at most {@link
     * #MAX_FINAL_RESULTS}: a worker that runs a command again after a crash (its result sent, its ledger not yet DONE)
     * reports the same outcome again, under a new result id.
     */
    public List<String> finalResults = new ArrayList<>();
    /**
     * Ids of the latest file-activity events, oldest first, at most {@link #MAX_ACTIVITY_IDS}: the collector's spool
     * sends again what Kafka had not acknowledged when the agent was killed, with the same id.
     */
    public List<String> activityIds = new ArrayList<>();
    /**
     * The latest interval of each collector watcher run (its epoch and journal sequence), the run heard of last at
     * the end, at most {@link #MAX_WATCHER_RUNS}: a watcher numbers its intervals and the spool sends them in that
     * order, so one at or below the latest of its run is a repeat however long ago that was (a spool batch sent again
     * whole holds up to thousands of records, past the ids above).
     */
    public List<Journal> journals = new ArrayList<>();
    /**
     * When file activity of this dataset last arrived, engine epoch ms; 0 never (a dataset no collector watches is not
     * expected to send any).
     */
    public long activityHeardAt;
    /** The length of its latest interval, ms: the collector sends one every interval, changes or not. */
    public long activityEvery;
    /** When the engine escalated that its file activity stopped while its host sends other telemetry; 0 when not. */
    public long activitySilenceAt;
    /**
     * When its collector last said a walk of its tree moves (file.walk), engine epoch ms; 0 never. A walk sends no file
     * activity until it ends, so its silence counts from then at the earliest.
     */
    public long walkMovedAt;
    /**
     * How long its collector took, the last time it started (or its host came back), to send this dataset's first
     * interval, ms: the first walk of its tree, and the wait for its turn to walk; 0 unknown. A tree of millions of
     * files takes longer than {@code host.silence} to walk, so the next start waits for about as long without a word.
     */
    public long firstWalkMs;
    /**
     * When the first interval of its latest watcher run arrived (journal sequence 1: its first walk was done), engine
     * epoch ms; 0 never. Not {@link #activityHeardAt}: a collector that starts sends the intervals its spool kept from
     * the run before, then walks.
     */
    public long walkedAt;
    /**
     * When its host's collector last started (agent.start), engine epoch ms; 0 unknown. It walks the dataset then, and
     * sends its first interval after the walk; a host back from a silence without a start walks nothing.
     */
    public long startedAt;
    /**
     * That start's time on the host's clock (its agent.start), epoch ms; 0 unknown. The first walk is measured on it:
     * a start and a walk its spool kept while the cluster was away arrive together.
     */
    public long startedHostAt;
    /** Proposals awaiting an operator, by decision id. */
    public Map<String, Proposal> proposals = new TreeMap<>();
    /**
     * Approved proposals waiting for a command of their lane in flight to finish, by proposal id: an approval is an
     * operator's decision, not to be lost to a restore that happens to be running (the proposal is gone once answered).
     */
    public Map<String, Approval> approved = new TreeMap<>();
    /** Last command issued per lane, epoch ms. */
    public Map<String, Long> lastCommandAt = new TreeMap<>();
    /**
     * When an urgent intent last cut its lane's cooldown short, per lane and rule ({@code lane|rule}), epoch ms: once
     * per cooldown window, so that an urgent rule that keeps matching cannot issue a command whenever the lane is free.
     */
    public Map<String, Long> urgentPassAt = new TreeMap<>();
    /** Last time each rule fired for this dataset, epoch ms. */
    public Map<String, Long> ruleFiredAt = new TreeMap<>();
    /** A shorter backup interval set by a rule, or null. */
    public IntervalOverride interval;
    /** Intents held back by a transient guardrail, per lane, retried on the tick until they expire. */
    public Map<String, Deferred> deferred = new TreeMap<>();
    /**
     * When each kind of suppression (lane, category, rule) was last audited, epoch ms, so that a repeated one is not
     * audited on every tick, also when two alternate; entries older than the repeat interval are dropped.
     */
    public Map<String, Long> suppressedAt = new TreeMap<>();

    /**
     * @param dataset dataset id
     * @param host its host
     * @return a state for a dataset the engine has just learnt about
     */
    public static DatasetState fresh(final String dataset, final String host) {
        final DatasetState state = new DatasetState();
        state.dataset = dataset;
        state.host = host;
        return state;
    }

    /**
     * Reads the single failure of a state stored before failures were kept per lane.
     *
     * @param failure the run of failures of one lane, or null
     */
    @JsonSetter("failure")
    void legacyFailure(final Failure failure) {
        if (failure != null) {
            failures.putIfAbsent(failure.retry().lane(), failure);
        }
    }

    /**
     * Reads the hashes of the paths the horizon counted from state written before they were kept by the hour: their
     * hours are not known, so they are taken as of the latest hour held at the next interval ({@link #tally}), and
     * count again a horizon after it (before, they never did), none of them twice within the horizon.
     *
     * @param hashes {@link String#hashCode} of each path, or null
     */
    @JsonSetter("horizonRewrittenPaths")
    void legacyRewrittenPaths(final List<Integer> hashes) {
        if (hashes != null && !hashes.isEmpty()) {
            horizonRewritten.add(Rewritten.of(0, hashes.stream().map(Rewritten::fingerprint).toList()));
        }
    }

    /** @return the longest current run of failures over all lanes; 0 when none */
    public int failuresInARow() {
        return failures.values().stream().mapToInt(Failure::count).max().orElse(0);
    }

    /** @return whether any backup of this dataset ever succeeded */
    public boolean hasBackup() {
        return lastBackupAt > 0;
    }

    /**
     * @param action an action
     * @return its last success, if any
     */
    public Optional<Success> last(final Action action) {
        return Optional.ofNullable(success.get(action.name()));
    }

    /**
     * Age of the last success of an action; for an action never done, the age of the first backup
     * (a dataset backed up an hour ago does not need its first VERIFY yet).
     *
     * @param action an action
     * @param now epoch ms
     * @return milliseconds; {@link Long#MAX_VALUE} when there is no backup at all
     */
    public long ageOf(final Action action, final long now) {
        final Success last = success.get(action.name());
        if (last != null) {
            return Math.max(0, now - last.time());
        }
        return firstBackupAt > 0 ? Math.max(0, now - firstBackupAt) : Long.MAX_VALUE;
    }

    /**
     * @param now epoch ms
     * @return milliseconds since the last backup of any level; {@link Long#MAX_VALUE} when none
     */
    public long sinceBackup(final long now) {
        return lastBackupAt > 0 ? Math.max(0, now - lastBackupAt) : Long.MAX_VALUE;
    }

    /**
     * @param now epoch ms
     * @return milliseconds since the last FULL; {@link Long#MAX_VALUE} when none
     */
    public long sinceFull(final long now) {
        final Success full = success.get(Action.FULL.name());
        return full == null ? Long.MAX_VALUE : Math.max(0, now - full.time());
    }

    /** @return bytes changed since the last FULL relative to its size; 0 when the size is unknown */
    public double changeRatioSinceFull() {
        return lastFullBytes > 0 ? (double) changedBytesSinceFull / lastFullBytes : 0.0;
    }

    /**
     * @param lane a lane ({@link Intent#laneOf})
     * @return a command of that lane in flight, if any
     */
    public Optional<InFlight> inFlightIn(final String lane) {
        return inFlight.values().stream().filter(f -> Intent.laneOf(f.action()).equals(lane)).findFirst();
    }

    /**
     * @param intent an intent
     * @return a pending proposal it would repeat: same action and same scope (some paths, put back over what is there
     *     or only where missing, or all); a RESTORE of all and one of the files a run rewrote are one restore, of all
     */
    public Optional<Proposal> proposalLike(final Intent intent) {
        return proposals.values().stream().filter(p -> p.intent().action() == intent.action()
                && (p.intent().paths().isEmpty() == intent.paths().isEmpty()
                && p.intent().replacePaths() == intent.replacePaths()
                || p.intent().paths().isEmpty() && intent.replacePaths()
                || intent.paths().isEmpty() && p.intent().replacePaths())).findFirst();
    }

    /** Drops the oldest entries of a list kept oldest first, beyond {@code max}. */
    private static void keepNewest(final List<?> list, final int max) {
        if (list.size() > max) {
            list.subList(0, list.size() - max).clear();
        }
    }

    /**
     * @param snapshot a snapshot that just succeeded; placed by its time (a late result may be older than the last)
     */
    public void remember(final Snapshot snapshot) {
        int at = snapshots.size();
        while (at > 0 && snapshots.get(at - 1).time() > snapshot.time()) {
            at--;
        }
        snapshots.add(at, snapshot);
        keepNewest(snapshots, MAX_SNAPSHOTS);
    }

    /**
     * @param command a command written off without a result
     */
    public void wroteOff(final WrittenOff command) {
        writtenOff.add(command);
        keepNewest(writtenOff, MAX_WRITTEN_OFF);
    }

    /**
     * Takes a command off the written-off list, for its late result.
     *
     * @param commandId a command id
     * @return the command written off, if it is remembered
     */
    public Optional<WrittenOff> lateOf(final String commandId) {
        final Optional<WrittenOff> late = writtenOff.stream().filter(w -> w.commandId().equals(commandId)).findFirst();
        late.ifPresent(writtenOff::remove);
        return late;
    }

    /**
     * Takes a command off the written-off list to put it back in flight, for a report that the worker still runs it.
     *
     * @param commandId a command id
     * @return the command written off, if it is remembered with what it takes to put it back in flight (not in state
     *     written before that was kept: such a one stays written off)
     */
    public Optional<WrittenOff> revivable(final String commandId) {
        final Optional<WrittenOff> off = writtenOff.stream().filter(w -> w.commandId().equals(commandId)
                && w.intent() != null && w.decisionId() != null).findFirst();
        off.ifPresent(writtenOff::remove);
        return off;
    }

    /**
     * Remembers a command's final result. By command and status, not by the result's id: the worker gives each result it
     * publishes a new id, and one other status for the same command (a REJECTED replay after a SUCCEEDED) is news.
     *
     * @param commandId the command the result reports on
     * @param status its final status
     * @return false when it was remembered already: the same outcome of the same command again
     */
    public boolean firstResult(final String commandId, final String status) {
        final String key = commandId + " " + status;
        if (finalResults.contains(key)) {
            return false;
        }
        finalResults.add(key);
        keepNewest(finalResults, MAX_FINAL_RESULTS);
        return true;
    }

    /**
     * Remembers a file-activity event.
     *
     * @param eventId its id; a blank one is never taken for a repeat
     * @param epoch its watcher run; empty when the sender numbers none (then only the id tells a repeat)
     * @param sequence its interval's number in that run, from 1
     * @return false when it was remembered already: the same event delivered again
     */
    public boolean firstActivity(final String eventId, final String epoch, final long sequence) {
        if (!epoch.isEmpty() && sequence > 0) {
            final Journal run = journals.stream().filter(j -> j.epoch().equals(epoch)).findFirst().orElse(null);
            if (run != null && sequence <= run.sequence()) {
                return false;
            }
            journals.remove(run);
            journals.add(new Journal(epoch, sequence));
            keepNewest(journals, MAX_WATCHER_RUNS);
        }
        if (eventId.isBlank()) {
            return true;
        }
        if (activityIds.contains(eventId)) {
            return false;
        }
        activityIds.add(eventId);
        keepNewest(activityIds, MAX_ACTIVITY_IDS);
        return true;
    }

    /**
     * Adds a file-activity interval and forgets those that ended before the window. Intervals
     * ending in the same minute are merged, so the list stays small whatever the collector's rate.
     *
     * @param sample the interval
     * @param windowStart epoch ms; older intervals are dropped
     */
    public void record(final Activity sample, final long windowStart) {
        final Activity last = activity.isEmpty() ? null : activity.get(activity.size() - 1);
        if (last != null && last.end() / 60_000 == sample.end() / 60_000) {
            activity.set(activity.size() - 1, new Activity(Math.min(last.start(), sample.start()),
                    Math.max(last.end(), sample.end()), last.bytesWritten() + sample.bytesWritten(),
                    last.files() + sample.files(), last.deleted() + sample.deleted(),
                    last.created() + sample.created()));
        } else {
            activity.add(sample);
        }
        activity.removeIf(a -> a.end() < windowStart);
        keepNewest(activity, MAX_ACTIVITY);
    }

    /**
     * Learns the host's clock offset from one file-activity interval and returns it: the interval's times plus it are
     * the engine's. A least delay older than {@code memoryMs} is forgotten, so that a clock set right (or wrong) later
     * is followed within that time even without a clock.jump event.
     *
     * @param intervalEnd the interval's end on the host's clock, epoch ms
     * @param now the engine's clock, epoch ms
     * @param memoryMs how long a least delay is kept
     * @return engine time minus host time, ms (negative for a host ahead)
     */
    public long hostClock(final long intervalEnd, final long now, final long memoryMs) {
        final long delay = now - intervalEnd;
        if (clockOffsetAt == 0 || delay <= clockOffset || now - clockOffsetAt > memoryMs) {
            clockOffset = delay;
            clockOffsetAt = now;
        }
        return clockOffset;
    }

    /**
     * @param time epoch ms
     * @return the start of its hour, epoch ms: the horizon's counts take the hour that holds the horizon's start whole,
     *     and its deleted paths from that hour on, so that a RESTORE of them restores the files they counted
     */
    public static long hourOf(final long time) {
        return time - Math.floorMod(time, 3_600_000L);
    }

    /**
     * Counts one interval's files created and deleted in its hour, and forgets the hours before the horizon.
     *
     * @param start interval start, epoch ms
     * @param end interval end, epoch ms
     * @param created files created in it
     * @param deleted files deleted in it
     * @param horizonStart epoch ms; hours that ended before it are dropped
     */
    public void tally(final long start, final long end, final long created, final long deleted,
                      final long horizonStart) {
        final long hour = hourOf(end);
        final Tally last = tallies.isEmpty() ? null : tallies.get(tallies.size() - 1);
        if (last != null) {
            horizonRewritten.replaceAll(r -> r.hour() == 0 ? new Rewritten(last.hour(), r.paths()) : r);
        }
        // an interval dated before the latest hour (a clock stepped back) joins it: the hours stay in order
        if (last != null && hour <= last.hour()) {
            tallies.set(tallies.size() - 1, new Tally(last.hour(), last.created() + created,
                    last.deleted() + deleted, last.firstDeletedAt() > 0 || deleted == 0 ? last.firstDeletedAt()
                    : start, last.rewritten(), last.firstRewrittenAt()));
        } else {
            tallies.add(new Tally(hour, created, deleted, deleted > 0 ? start : 0, 0, 0));
        }
        tallies.removeIf(t -> t.hour() + 3_600_000L <= horizonStart);
        keepNewest(tallies, MAX_TALLIES);
        // the paths a dropped hour counted count again: its count has gone with it
        final long oldest = tallies.isEmpty() ? Long.MAX_VALUE : tallies.get(0).hour();
        horizonRewritten.removeIf(r -> r.hour() < oldest);
    }

    /**
     * Forgets the files deleted so far, and the hours' and the change-rate window's counts of them: they were restored,
     * or an operator said they were wanted.
     */
    public void forgetDeletions() {
        // not the near-random rewrites: a deletion wanted is no rewrite undone
        tallies.replaceAll(t -> new Tally(t.hour(), 0, 0, 0, t.rewritten(), t.firstRewrittenAt()));
        deletedPaths.clear();
        // the window's too: else slow-deletion proposes them again at the next deletion, without their paths
        activity.replaceAll(a -> new Activity(a.start(), a.end(), a.bytesWritten(), a.files(), 0, 0));
    }

    /**
     * Takes back the deletions a successful restore into the dataset put back, and only those: a loss going on
     * elsewhere in the dataset (a trickle in another directory, or one that goes on after a partial restore) keeps the
     * hours it counted, and is caught when it would have been without the restore.
     * A restore of chosen paths put back those paths: each one among {@link #deletedPaths} goes, and one deletion of
     * its hour and of the change-rate window's interval that counted it; those not kept there (past the paths kept,
     * or not listed by the collector) are taken from the deletions counted from the hour of {@code from} on, oldest
     * first. A restore of a whole snapshot put back every file deleted after it was taken: the counts from the hour
     * of {@code from} on go, as the horizon counts by the hour; the hours before it still count (those files were
     * gone from the snapshot too).
     *
     * @param paths the paths it restored; empty for a whole snapshot
     * @param from on the engine's clock, epoch ms: for chosen paths the time they were restored from before (their
     *     first deletion), for a whole snapshot when it was taken; null when unknown: then a whole snapshot takes back
     *     every deletion counted so far
     */
    public void restored(final List<String> paths, final Long from) {
        if (paths.isEmpty()) {
            if (from == null) {
                forgetDeletions();
                tallies.clear();
                horizonRewritten.clear();
                return;
            }
            final long hour = hourOf(from);
            tallies.removeIf(t -> t.hour() >= hour);
            // and the files rewritten after it: rewritten again, they count again
            horizonRewritten.removeIf(r -> r.hour() >= hour);
            deletedPaths.removeIf(d -> d.end() >= hour);
            activity.replaceAll(a -> a.end() >= hour ? new Activity(a.start(), a.end(), a.bytesWritten(), a.files(),
                    0, 0) : a);
            return;
        }
        final java.util.Set<String> put = new java.util.HashSet<>(paths);
        long unlisted = put.size();
        for (final java.util.Iterator<Deleted> it = deletedPaths.iterator(); it.hasNext(); ) {
            final Deleted d = it.next();
            if (put.contains(d.path())) {
                it.remove();
                unlisted--;
                takeBack(hourOf(d.end()), d.end(), 1);
            }
        }
        if (from != null && unlisted > 0) {
            takeBack(hourOf(from), from, unlisted);
        }
    }

    /**
     * Takes back the deletions an operator said were wanted by rejecting a RESTORE of them: its paths, as {@link
     * #restored} does, and the deletions counted without a path from its restore point on (the collector's list
     * overflowed during the clean-up, or the engine kept only the last paths), which no proposal can name and which
     * belonged to what was rejected. A loss elsewhere whose paths are listed keeps its count.
     *
     * @param paths the paths the rejected RESTORE named
     * @param from the time it restored from before, engine epoch ms; null: only its paths are taken back
     */
    public void wanted(final List<String> paths, final Long from) {
        restored(paths, from);
        if (from == null) {
            return;
        }
        final long hour = hourOf(from);
        for (int i = 0; i < tallies.size(); i++) {
            final Tally t = tallies.get(i);
            final long listed = t.hour() < hour ? t.deleted()
                    : deletedPaths.stream().filter(d -> hourOf(d.end()) == t.hour()).count();
            if (t.deleted() > listed) {
                tallies.set(i, new Tally(t.hour(), t.created(), listed, listed == 0 ? 0 : t.firstDeletedAt(),
                        t.rewritten(), t.firstRewrittenAt()));
            }
        }
        for (int i = 0; i < activity.size(); i++) {
            final Activity a = activity.get(i);
            final long listed = a.end() < from ? a.deleted()
                    : deletedPaths.stream().filter(d -> d.start() >= a.start() && d.end() <= a.end()).count();
            if (a.deleted() > listed) {
                activity.set(i, new Activity(a.start(), a.end(), a.bytesWritten(), a.files(), listed, a.created()));
            }
        }
    }

    /**
     * Takes {@code count} deletions off the hours from {@code hour} on and off the window's intervals that ended from
     * {@code end} on, oldest first (an interval dated back joined a later hour: see {@link #tally}).
     */
    private void takeBack(final long hour, final long end, final long count) {
        long left = count;
        for (int i = 0; i < tallies.size() && left > 0; i++) {
            final Tally t = tallies.get(i);
            if (t.hour() >= hour && t.deleted() > 0) {
                final long n = Math.min(left, t.deleted());
                left -= n;
                tallies.set(i, new Tally(t.hour(), t.created(), t.deleted() - n,
                        t.deleted() == n ? 0 : t.firstDeletedAt(), t.rewritten(), t.firstRewrittenAt()));
            }
        }
        left = count;
        for (int i = 0; i < activity.size() && left > 0; i++) {
            final Activity a = activity.get(i);
            if (a.end() >= end && a.deleted() > 0) {
                final long n = Math.min(left, a.deleted());
                left -= n;
                activity.set(i, new Activity(a.start(), a.end(), a.bytesWritten(), a.files(), a.deleted() - n,
                        a.created()));
            }
        }
    }

    /**
     * Remembers the paths one interval deleted, and forgets those deleted before the horizon.
     *
     * @param paths the paths, relative to the dataset
     * @param start interval start, epoch ms
     * @param end interval end, epoch ms
     * @param horizonStart epoch ms: paths deleted in intervals that ended before its hour are dropped, as its hour's
     *     counts ({@link #hourOf})
     * @param hostStart interval start on the host's clock, epoch ms
     */
    public void deleted(final List<String> paths, final long start, final long end, final long horizonStart,
                        final long hostStart) {
        deletedPaths.removeIf(d -> d.end() < hourOf(horizonStart));
        // only the interval's last WINDOW_DELETED_PATHS distinct paths can stay: a tree of 90,000 files removed
        // at once, each matched against the growing list, took a minute, past the transaction timeout, every time
        final java.util.LinkedHashSet<String> last = new java.util.LinkedHashSet<>();
        for (int i = paths.size() - 1; i >= 0 && last.size() < WINDOW_DELETED_PATHS; i--) {
            last.add(paths.get(i));
        }
        final List<String> oldestFirst = new ArrayList<>(last);
        java.util.Collections.reverse(oldestFirst);
        deletedPaths.removeIf(d -> last.contains(d.path()));
        for (final String path : oldestFirst) {
            deletedPaths.add(new Deleted(path, start, end, hostStart));
        }
        keepNewest(deletedPaths, WINDOW_DELETED_PATHS);
    }

    /**
     * Adds one file-activity interval to the run of near-random rewrites: files modified or renamed in intervals whose
     * sampled writes are near-random ({@link #NEAR_RANDOM_BITS}), a path among the run's recent ones not counted again
     * (an encrypted database or container rewritten every interval is one file, not one per interval). Files only
     * created do not count: imports and downloads of photos or archives create near-random files for hours; those
     * created in place of files the interval deleted (an encrypted copy, the original deleted) do. The run ends once
     * {@code gapMs} passes without a near-random rewrite.
     *
     * @param modifiedOrRenamed files modified or renamed in the interval, and created in place of files it deleted
     * @param nearRandom whether its sampled writes are near-random
     * @param changedPaths the paths it names as created, modified or renamed-to
     * @param deletedPaths the paths it names as deleted or renamed-from
     * @param complete whether its lists name every file the interval changed
     * @param start interval start, epoch ms
     * @param end interval end, epoch ms
     * @param gapMs how long without a near-random rewrite ends a run
     * @param hostStart interval start on the host's clock, epoch ms
     */
    public void rewrites(final long modifiedOrRenamed, final boolean nearRandom, final List<String> changedPaths,
                         final List<String> deletedPaths, final boolean complete, final long start, final long end,
                         final long gapMs, final long hostStart) {
        if (rewriteRun != null && start - rewriteRun.lastEnd() > gapMs) {
            rewriteRun = null;
        }
        if (!nearRandom || modifiedOrRenamed <= 0) {
            // originals deleted by an attack in an interval that wrote nothing near-random are its damage too; an
            // interval whose lists the collector cut may have deleted some unnamed
            if (rewriteRun != null && (!deletedPaths.isEmpty() || !complete)) {
                rewriteRun = rewriteRun.naming(List.of(), deletedPaths, complete);
            }
            return;
        }
        final java.util.LinkedHashSet<Integer> recent = new java.util.LinkedHashSet<>(
                rewriteRun == null ? List.of() : rewriteRun.recentPaths());
        long again = 0;
        for (final String path : changedPaths) {
            final Integer hash = path.hashCode();
            if (recent.remove(hash)) {
                again++;
            }
            recent.add(hash); // most recent last
        }
        final List<Integer> kept = new ArrayList<>(recent);
        final long files = Math.max(0, modifiedOrRenamed - again);
        rewriteRun = new RewriteRun(rewriteRun == null ? start : rewriteRun.start(), end,
                (rewriteRun == null ? 0 : rewriteRun.files()) + files,
                List.copyOf(kept.subList(Math.max(0, kept.size() - RUN_PATHS), kept.size())),
                rewriteRun == null ? hostStart : rewriteRun.hostStart(),
                rewriteRun == null ? List.of() : rewriteRun.paths(),
                // a run's first interval names its paths or is unlisted: one without either began in state written
                // before they were kept
                rewriteRun != null && (rewriteRun.unlisted() || rewriteRun.paths().isEmpty()))
                .naming(changedPaths, deletedPaths, complete);
    }

    /**
     * Counts one interval's near-random rewrites (as {@link #rewrites} counts them for its run) in its hour, which
     * {@link #tally} counted last, each path among those the horizon's hours counted ({@link #horizonRewritten})
     * once: ransomware that pauses longer than a change-rate window between its batches ends one run after another,
     * but over the horizon rewrites ever more of the dataset's files, while the documents of an office share saved
     * again and again, or a vault, stay the same few.
     *
     * @param files files modified or renamed in the interval, and created in place of files it deleted
     * @param changedPaths the paths it names as created, modified or renamed-to
     * @param start interval start, epoch ms
     */
    public void rewroteOverHorizon(final long files, final List<String> changedPaths, final long start) {
        if (files <= 0 || tallies.isEmpty()) {
            return;
        }
        final Tally t = tallies.get(tallies.size() - 1);
        final java.util.Set<Integer> held = new java.util.HashSet<>();
        horizonRewritten.forEach(r -> held.addAll(r.fingerprints()));
        final java.util.LinkedHashSet<Integer> added = new java.util.LinkedHashSet<>();
        long again = 0;
        for (final String path : changedPaths) {
            final int fingerprint = Rewritten.fingerprint(path.hashCode());
            if (held.contains(fingerprint) || !added.add(fingerprint)) {
                again++;
            }
        }
        if (!added.isEmpty()) {
            rewrittenIn(t.hour(), added);
        }
        final long counted = Math.max(0, files - again);
        if (counted > 0) {
            tallies.set(tallies.size() - 1, new Tally(t.hour(), t.created(), t.deleted(), t.firstDeletedAt(),
                    t.rewritten() + counted, t.firstRewrittenAt() > 0 ? t.firstRewrittenAt() : start));
        }
    }

    /** Remembers paths the hour's near-random rewrites counted, the oldest going first past the bound. */
    private void rewrittenIn(final long hour, final java.util.Collection<Integer> fingerprints) {
        final List<Integer> all = new ArrayList<>();
        final int latest = horizonRewritten.size() - 1;
        if (latest >= 0 && horizonRewritten.get(latest).hour() == hour) {
            all.addAll(horizonRewritten.remove(latest).fingerprints());
        }
        all.addAll(fingerprints);
        horizonRewritten.add(Rewritten.of(hour, all));
        long over = horizonRewritten.stream().mapToLong(Rewritten::size).sum() - HORIZON_REWRITE_PATHS;
        while (over > 0) {
            final Rewritten oldest = horizonRewritten.remove(0);
            final List<Integer> kept = oldest.fingerprints();
            if (kept.size() > over) {
                horizonRewritten.add(0, Rewritten.of(oldest.hour(), kept.subList((int) over, kept.size())));
            }
            over -= kept.size();
        }
    }

    /**
     * Forgets the near-random rewrites counted over the horizon: an operator rejected a RESTORE of a whole snapshot, so
     * they were wanted. Their paths stay remembered: the same files rewritten again do not count again until the hours
     * that counted them leave the horizon.
     */
    public void rewritesWanted() {
        tallies.replaceAll(t -> new Tally(t.hour(), t.created(), t.deleted(), t.firstDeletedAt(), 0, 0));
    }

    /**
     * Takes back the near-random rewrites counted from the hour of {@code from} on, and their paths: a RESTORE put back
     * the files a run rewrote, as one of a whole snapshot taken then would have (see {@link #restored}); rewritten
     * again, they count again.
     *
     * @param from the time the files were restored from before, engine epoch ms
     */
    public void rewritesRestored(final long from) {
        final long hour = hourOf(from);
        tallies.replaceAll(t -> t.hour() < hour ? t : new Tally(t.hour(), t.created(), t.deleted(),
                t.firstDeletedAt(), 0, 0));
        horizonRewritten.removeIf(r -> r.hour() >= hour);
    }

    /**
     * @param at epoch ms
     * @return the latest snapshot taken before that time, if remembered
     */
    public Optional<Snapshot> snapshotBefore(final long at) {
        for (int i = snapshots.size() - 1; i >= 0; i--) {
            if (snapshots.get(i).time() < at) {
                return Optional.of(snapshots.get(i));
            }
        }
        return Optional.empty();
    }

    /**
     * One successful action.
     *
     * @param time when it finished, epoch ms
     * @param snapshotId the snapshot it made or used, or null
     * @param bytesTotal size of the snapshot's files, bytes; 0 when not a backup
     * @param files files in the snapshot; 0 when not a backup
     * @param commandId the command, or null
     */
    public record Success(long time, String snapshotId, long bytesTotal, long files, String commandId) {
    }

    /**
     * A snapshot the worker reported.
     *
     * @param id snapshot id
     * @param time when it was taken, epoch ms
     * @param level FULL, INCREMENTAL or DIFFERENTIAL
     * @param protect whether it is protected from retention
     * @param files the files it holds; 0 when unknown (and in state written before it was kept)
     */
    public record Snapshot(String id, long time, Action level, boolean protect, long files) {
        /** @return a snapshot id as {@code vigil repo} prints and takes it: its first 8 characters */
        public static String shortId(final String id) {
            return id.substring(0, Math.min(8, id.length()));
        }
    }

    /**
     * An open anomaly episode.
     *
     * @param id episode id
     * @param kind metric, log, host or file
     * @param series the series scored
     * @param start when it began, epoch ms, on the host's clock (the analyzer dates it by its points' event time)
     * @param score latest score in [0, 1]
     * @param peakScore highest score so far
     * @param updatedAt last step seen, epoch ms
     * @param consultedScore score at the last decision taken on it; new decisions need a clear rise
     */
    public record Episode(String id, String kind, String series, long start, double score, double peakScore,
                          long updatedAt, double consultedScore) {
    }

    /**
     * What the engine remembers of one anomaly series across its episodes.
     *
     * @param consultedScore score at the last decision taken on the series
     * @param seenAt last anomaly step (any phase) of the series, epoch ms
     */
    public record SeriesMemory(double consultedScore, long seenAt) {
    }

    /**
     * One collector interval of file activity.
     *
     * @param start interval start, epoch ms
     * @param end interval end, epoch ms
     * @param bytesWritten bytes written
     * @param files files created, modified, deleted or renamed
     * @param deleted files deleted (0 in state written before it was kept)
     * @param created files created (0 in state written before it was kept)
     */
    public record Activity(long start, long end, long bytesWritten, long files, long deleted, long created) {
    }

    /**
     * File activity of one hour.
     *
     * @param hour start of the hour, epoch ms
     * @param created files created in it
     * @param deleted files deleted in it
     * @param firstDeletedAt start of the first interval in it that deleted a file, epoch ms; 0 when none
     * @param rewritten files rewritten with near-random content in it ({@link #rewroteOverHorizon}); 0 in state
     *     written before it was kept
     * @param firstRewrittenAt start of the first interval in it that counted one, epoch ms; 0 when none
     */
    public record Tally(long hour, long created, long deleted, long firstDeletedAt, long rewritten,
                        long firstRewrittenAt) {
    }

    /**
     * The paths one hour's near-random rewrites counted.
     *
     * @param hour the hour of the {@link Tally} that counted them, epoch ms; 0 for hashes read from state written
     *     before the hour was kept, until the next interval's {@link #tally}
     * @param paths their fingerprints, 3 bytes each, in base64: 4 characters a path where a hash as a JSON number took
     *     11 or 12
     */
    public record Rewritten(long hour, String paths) {
        /** Normalizes an absent list. */
        public Rewritten {
            paths = paths == null ? "" : paths;
        }

        /**
         * @param hash a path's {@link String#hashCode}
         * @return its fingerprint, the hash's low 24 bits: with all {@link #HORIZON_REWRITE_PATHS} held, a new path is
         *     taken for one of them once in 4,096; the low ones because two paths that differ in one character
         *     (report-1, report-2) never share them
         */
        static int fingerprint(final int hash) {
            return hash & 0xFF_FFFF;
        }

        static Rewritten of(final long hour, final List<Integer> fingerprints) {
            final byte[] bytes = new byte[fingerprints.size() * 3];
            for (int i = 0; i < fingerprints.size(); i++) {
                final int f = fingerprints.get(i);
                bytes[3 * i] = (byte) (f >>> 16);
                bytes[3 * i + 1] = (byte) (f >>> 8);
                bytes[3 * i + 2] = (byte) f;
            }
            return new Rewritten(hour, java.util.Base64.getEncoder().encodeToString(bytes));
        }

        /** @return how many paths it holds */
        int size() {
            return paths.length() / 4;
        }

        List<Integer> fingerprints() {
            final byte[] bytes = java.util.Base64.getDecoder().decode(paths);
            final List<Integer> all = new ArrayList<>(bytes.length / 3);
            for (int i = 0; i + 2 < bytes.length; i += 3) {
                all.add((bytes[i] & 0xFF) << 16 | (bytes[i + 1] & 0xFF) << 8 | bytes[i + 2] & 0xFF);
            }
            return all;
        }
    }

    /**
     * The latest interval heard of from one collector watcher run.
     *
     * @param epoch the run's id (FileActivity.watcherEpoch)
     * @param sequence its latest interval's journal sequence
     */
    public record Journal(String epoch, long sequence) {
    }

    /**
     * A path deleted within the activity horizon.
     *
     * @param path relative to the dataset
     * @param start start of the interval that deleted it, epoch ms
     * @param end its end, epoch ms
     * @param hostStart {@code start} on the host's clock, as the collector dated it; 0 in state written before it was
     *     kept
     */
    public record Deleted(String path, long start, long end, long hostStart) {
    }

    /**
     * A run of near-random rewrites (see {@link #rewrites}).
     *
     * @param start start of its first interval, epoch ms, on the engine's clock (the host's, shifted by its offset
     *     then)
     * @param lastEnd end of its latest interval, epoch ms
     * @param files files rewritten in it, each of its recent paths once
     * @param recentPaths hashes ({@link String#hashCode}) of the paths it rewrote last, at most {@link #RUN_PATHS}
     * @param hostStart {@code start} on the host's clock, as the collector dated it; 0 in state written before it was
     *     kept
     * @param paths the paths its intervals rewrote (created, modified, renamed-to) or deleted, the latest last, at most
     *     {@link #RUN_PATHS}: what a restore puts back, and no other file of the dataset; empty in state written before
     *     it was kept
     * @param unlisted whether it changed files these paths do not name: an interval's lists were incomplete (the
     *     collector's queue overflowed), or they went past {@link #RUN_PATHS}; then only a whole snapshot restores it
     */
    public record RewriteRun(long start, long lastEnd, long files, List<Integer> recentPaths, long hostStart,
                             List<String> paths, boolean unlisted) {
        /** Normalizes absent lists. */
        public RewriteRun {
            recentPaths = recentPaths == null ? List.of() : List.copyOf(recentPaths);
            paths = paths == null ? List.of() : List.copyOf(paths);
        }

        /** @return this run, naming these paths too (and incomplete if its list was, or grows past the bound) */
        RewriteRun naming(final List<String> changed, final List<String> deleted, final boolean complete) {
            final java.util.LinkedHashSet<String> all = new java.util.LinkedHashSet<>(paths);
            for (final String path : changed) {
                all.remove(path);
                all.add(path); // the latest last
            }
            for (final String path : deleted) {
                all.remove(path);
                all.add(path);
            }
            final List<String> kept = new ArrayList<>(all);
            return new RewriteRun(start, lastEnd, files, recentPaths, hostStart,
                    kept.subList(Math.max(0, kept.size() - RUN_PATHS), kept.size()),
                    unlisted || !complete || kept.size() > RUN_PATHS);
        }
    }

    /**
     * A run of consecutive failures of one lane.
     *
     * @param count failures in a row
     * @param retry what to issue again
     * @param lastAt last failure, epoch ms
     * @param nextRetryAt when to try again, epoch ms; {@link Long#MAX_VALUE} when not retriable
     * @param escalated whether the escalation was audited
     * @param message the worker's last message
     */
    public record Failure(int count, Intent retry, long lastAt, long nextRetryAt, boolean escalated, String message) {
    }

    /**
     * A command issued and not finished.
     *
     * @param commandId command id
     * @param decisionId the audit record that explains it
     * @param intent what it does
     * @param issuedAt epoch ms
     * @param expiresAt the worker refuses it after this, epoch ms
     * @param accepted whether the worker accepted it (said ACCEPTED or PROGRESS)
     * @param heardAt when the engine last received an ACCEPTED or PROGRESS report of it, epoch ms; 0 none (and in
     *     state written before it was kept)
     */
    public record InFlight(String commandId, String decisionId, Intent intent, long issuedAt, long expiresAt,
                           boolean accepted, long heardAt) {
        /**
         * A command just issued.
         *
         * @param commandId command id
         * @param decisionId the audit record that explains it
         * @param intent what it does
         * @param issuedAt epoch ms
         * @param expiresAt the worker refuses it after this, epoch ms
         */
        public InFlight(final String commandId, final String decisionId, final Intent intent, final long issuedAt,
                        final long expiresAt) {
            this(commandId, decisionId, intent, issuedAt, expiresAt, false, 0);
        }

        /** @return the action */
        public Action action() {
            return intent.action();
        }

        /**
         * @param at when the worker's ACCEPTED or PROGRESS report was received, epoch ms
         * @return this command, accepted and heard of then
         */
        public InFlight heard(final long at) {
            return new InFlight(commandId, decisionId, intent, issuedAt, expiresAt, true, Math.max(heardAt, at));
        }
    }

    /**
     * A command written off without a result.
     *
     * @param commandId command id
     * @param action what it did
     * @param issuedAt epoch ms
     * @param expiresAt epoch ms
     * @param at when it was written off, epoch ms
     * @param heardAt the worker's last ACCEPTED or PROGRESS report of it, received at, epoch ms; 0 when it never
     *     accepted it (and in state written before it was kept)
     * @param restoresInto whether it is a RESTORE that writes into the dataset (false in state written before it was
     *     kept), so that its late result still marks the dataset as restored into
     * @param decisionId the audit record that explains it; null in state written before it was kept
     * @param intent what it does, so that a report of the worker's that it still runs it puts it back in flight; null
     *     in state written before it was kept (such a one is not put back)
     */
    public record WrittenOff(String commandId, Action action, long issuedAt, long expiresAt, long at, long heardAt,
                             boolean restoresInto, String decisionId, Intent intent) {
        /**
         * @param at when the worker's ACCEPTED or PROGRESS report was received, epoch ms
         * @return this command back in flight, accepted and heard of then (requires {@link #intent})
         */
        public InFlight revived(final long at) {
            return new InFlight(commandId, decisionId, intent, issuedAt, expiresAt, true, Math.max(heardAt, at));
        }
    }

    /**
     * A destructive action awaiting approval.
     *
     * @param decisionId the PROPOSED audit record's id, which operators approve or reject
     * @param intent what approval would do
     * @param createdAt epoch ms
     * @param expiresAt dropped unanswered after this, epoch ms
     */
    public record Proposal(String decisionId, Intent intent, long createdAt, long expiresAt) {
    }

    /**
     * An approved proposal held until its lane is free.
     *
     * @param proposalId the PROPOSED audit record's id
     * @param intent what the approval issues (its reason names the operator and the proposal)
     * @param approvedAt epoch ms
     * @param until given up (audited) if still held after this, epoch ms
     */
    public record Approval(String proposalId, Intent intent, long approvedAt, long until) {
    }

    /**
     * A shorter backup interval.
     *
     * @param every the interval, ms
     * @param until when it lapses, epoch ms
     * @param rule the rule that set it
     */
    public record IntervalOverride(long every, long until, String rule) {
    }

    /**
     * An intent held back by a transient guardrail.
     *
     * @param intent the intent
     * @param until retried on each tick until this time, epoch ms
     */
    public record Deferred(Intent intent, long until) {
    }
}
