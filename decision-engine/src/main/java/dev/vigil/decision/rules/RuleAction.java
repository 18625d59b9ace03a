package dev.vigil.decision.rules;

import dev.vigil.schemas.Action;
import java.time.Duration;

/**
 * One thing a rule does when it fires.
 *
 * @param kind a command (possibly a proposal), nothing, or a shorter backup interval
 * @param action for COMMAND: the action
 * @param reason the reason, with {@code ${expr}} parts evaluated in the rule's context
 * @param protect protect the resulting snapshot from retention
 * @param evidence the resulting snapshot holds data suspected damaged: protected, and never the source of a RESTORE
 *     that names no snapshot
 * @param from RESTORE: which snapshot and paths
 * @param target RESTORE: target directory; null means the original location (destructive)
 * @param every INTERVAL: the interval, or null
 * @param rpoFraction INTERVAL: the interval as a fraction of the dataset's RPO, or 0
 * @param lasting INTERVAL: how long the shorter interval holds
 */
public record RuleAction(Kind kind, Action action, Template reason, boolean protect, boolean evidence,
                         RestoreFrom from, String target,
                         Duration every, double rpoFraction, Duration lasting) {
    /** What a rule action is. */
    public enum Kind {
        /** Issue (or propose) a command. */
        COMMAND,
        /** Settle the case with no action: the decision tree is not consulted. */
        NONE,
        /** Back up more often for a while. */
        INTERVAL
    }

    /** @return for people: the command's action, NONE or INTERVAL */
    public String describe() {
        return kind == Kind.COMMAND ? action.name() : kind.name();
    }

    /** Which snapshot a RESTORE takes, and which paths. */
    public enum RestoreFrom {
        /** The latest snapshot, every path. */
        LATEST,
        /** The latest snapshot taken before the episode began (state.episodeStart), every path. */
        BEFORE_EPISODE,
        /**
         * The paths the run of near-random rewrites rewrote or deleted (at most the last 256), each put back over what
         * is there, from the latest snapshot before the episode began; the whole of that snapshot when the run's list
         * is incomplete.
         */
        REWRITTEN_PATHS,
        /** The deleted paths of the triggering file activity, from the latest snapshot before the deletions. */
        DELETED_PATHS,
        /**
         * The paths deleted within the change-rate window (at most the last 256, the triggering activity's included),
         * from the latest snapshot before the first of them: deletions a few per interval.
         */
        WINDOW_DELETED_PATHS,
        /**
         * The paths deleted within the activity horizon (at most the last 256, the triggering activity's included),
         * from the latest snapshot before the first of them: deletions spread over hours.
         */
        HORIZON_DELETED_PATHS,
        /**
         * The latest snapshot taken before the first near-random rewrite within the activity horizon
         * (state.horizonRewritesSince), every path: rewrites in batches hours apart.
         */
        BEFORE_REWRITES
    }
}
