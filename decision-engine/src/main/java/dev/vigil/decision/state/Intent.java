package dev.vigil.decision.state;

import dev.vigil.schemas.Action;
import dev.vigil.schemas.DecisionSource;
import java.util.List;
import java.util.Map;

/**
 * Something the engine wants done to one dataset, before the guardrails decide whether it becomes
 * a command, a proposal, or nothing. Kept in state when deferred, proposed or in flight.
 *
 * @param action what to do
 * @param priority precedence in 1..1000; higher wins within a lane (see {@link #lane()})
 * @param source who wants it: policy, rule, tree or operator
 * @param rule name of the rule or policy clause
 * @param reason for people, one sentence
 * @param explanation how it was decided (the rule's expression, the tree's path)
 * @param modelVersion version of the model that decided, or null
 * @param trigger id of the record that caused it, or null for the periodic tick
 * @param features the tree's feature values, kept for retraining; empty otherwise
 * @param protect mark the snapshot protected from retention
 * @param evidence the snapshot holds data suspected damaged (a ransomware-like rewrite): kept as evidence, protected,
 *     and never picked by a later RESTORE that names no snapshot
 * @param snapshot RESTORE/VERIFY/MIGRATE: the snapshot, null for latest
 * @param beforeTime RESTORE: the latest snapshot before this time (epoch ms), or null
 * @param paths RESTORE: only these paths; empty for all
 * @param target RESTORE/MIGRATE: target directory, null for the dataset's own path
 * @param targetRepository MIGRATE: where to copy snapshots
 * @param hostBeforeTime RESTORE: {@code beforeTime} on the clock of the dataset's host, which dates its snapshots
 *     (epoch ms), taken from the times the host gave the damage; null: {@code beforeTime} less the host's offset when
 *     issued (and in state written before it was kept)
 * @param replacePaths RESTORE of chosen {@code paths}: put back each one over what is there (files a ransomware-like
 *     rewrite encrypted in place); false: only those still missing (deleted files; and in state written before it was
 *     kept)
 */
public record Intent(Action action, int priority, DecisionSource source, String rule, String reason,
                     String explanation, String modelVersion, String trigger, Map<String, Double> features,
                     boolean protect, boolean evidence, String snapshot, Long beforeTime, List<String> paths, String target,
                     String targetRepository, Long hostBeforeTime, boolean replacePaths) {
    /** Lane of the backup levels: at most one of FULL, INCREMENTAL, DIFFERENTIAL at a time. */
    public static final String BACKUP_LANE = "BACKUP";

    /** Normalizes absent collections. */
    public Intent {
        features = features == null ? Map.of() : Map.copyOf(features);
        paths = paths == null ? List.of() : List.copyOf(paths);
        reason = reason == null ? "" : reason;
        explanation = explanation == null ? "" : explanation;
    }

    /**
     * @param action what to do
     * @param priority precedence in 1..1000
     * @param source who wants it
     * @param rule name of the rule or policy clause
     * @param reason for people
     * @return a plain intent without options
     */
    public static Intent of(final Action action, final int priority, final DecisionSource source, final String rule,
                            final String reason) {
        return new Intent(action, priority, source, rule, reason, "", null, null, Map.of(), false, false, null,
                null, List.of(), null, null, null, false);
    }

    /**
     * @param action an action
     * @return its lane: backups share one lane, every other action has its own
     */
    public static String laneOf(final Action action) {
        return isBackup(action) ? BACKUP_LANE : action.name();
    }

    /**
     * @param action an action
     * @return whether it takes a snapshot (FULL, INCREMENTAL, DIFFERENTIAL)
     */
    public static boolean isBackup(final Action action) {
        return action == Action.FULL || action == Action.INCREMENTAL || action == Action.DIFFERENTIAL;
    }

    /** @return this intent's lane */
    public String lane() {
        return laneOf(action);
    }

    /**
     * @param text how it was decided
     * @param version model version, or null
     * @param values feature values, or empty
     * @return a copy with the explanation
     */
    public Intent explained(final String text, final String version, final Map<String, Double> values) {
        return new Intent(action, priority, source, rule, reason, text, version, trigger, values, protect, evidence,
                snapshot, beforeTime, paths, target, targetRepository, hostBeforeTime, replacePaths);
    }

    /**
     * @param id id of the causing record
     * @return a copy with the trigger
     */
    public Intent triggeredBy(final String id) {
        return new Intent(action, priority, source, rule, reason, explanation, modelVersion, id, features, protect,
                evidence, snapshot, beforeTime, paths, target, targetRepository, hostBeforeTime, replacePaths);
    }

    /**
     * @param text the new reason
     * @return a copy with that reason
     */
    public Intent withReason(final String text) {
        return new Intent(action, priority, source, rule, text, explanation, modelVersion, trigger, features, protect,
                evidence, snapshot, beforeTime, paths, target, targetRepository, hostBeforeTime, replacePaths);
    }

    /**
     * @param atLeast the retry's priority is at least this
     * @param text the retry's reason
     * @return the same action and options as a retry (rule {@code retry}, which passes cooldown and backoff)
     */
    public Intent asRetry(final int atLeast, final String text) {
        return new Intent(action, Math.max(priority, atLeast), source, "retry", text, explanation, modelVersion,
                trigger, features, protect, evidence, snapshot, beforeTime, paths, target, targetRepository,
                hostBeforeTime, replacePaths);
    }

    /**
     * @param protectIt whether to protect the snapshot
     * @return a copy
     */
    public Intent protecting(final boolean protectIt) {
        return new Intent(action, priority, source, rule, reason, explanation, modelVersion, trigger, features,
                protectIt, evidence, snapshot, beforeTime, paths, target, targetRepository, hostBeforeTime,
                replacePaths);
    }

    /**
     * @param evidenceIt whether the snapshot is evidence (implies protected)
     * @return a copy
     */
    public Intent asEvidence(final boolean evidenceIt) {
        return new Intent(action, priority, source, rule, reason, explanation, modelVersion, trigger, features,
                protect || evidenceIt, evidenceIt, snapshot, beforeTime, paths, target, targetRepository,
                hostBeforeTime, replacePaths);
    }

    /**
     * @param snapshotId snapshot, or null for latest
     * @param before latest snapshot before this time, or null
     * @param only paths to restore, empty for all
     * @param targetDir target directory, null for the original location
     * @param repository MIGRATE target repository, or null
     * @return a copy with the restore or migrate options
     */
    public Intent targeting(final String snapshotId, final Long before, final List<String> only, final String targetDir,
                            final String repository) {
        return new Intent(action, priority, source, rule, reason, explanation, modelVersion, trigger, features, protect,
                evidence, snapshotId, before, only, targetDir, repository, hostBeforeTime, replacePaths);
    }

    /**
     * @param hostBefore the restore point on the host's clock, epoch ms, or null
     * @return a copy with it
     */
    public Intent onHostClock(final Long hostBefore) {
        return new Intent(action, priority, source, rule, reason, explanation, modelVersion, trigger, features, protect,
                evidence, snapshot, beforeTime, paths, target, targetRepository, hostBefore, replacePaths);
    }

    /**
     * @param replace RESTORE of chosen paths: whether each is put back over what is there, not only when missing
     * @return a copy
     */
    public Intent replacing(final boolean replace) {
        return new Intent(action, priority, source, rule, reason, explanation, modelVersion, trigger, features, protect,
                evidence, snapshot, beforeTime, paths, target, targetRepository, hostBeforeTime, replace);
    }
}
