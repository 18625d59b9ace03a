package dev.vigil.decision.guard;

import dev.vigil.decision.state.DatasetState;
import dev.vigil.decision.state.Intent;
import dev.vigil.schemas.Action;
import dev.vigil.schemas.DatasetSpec;
import dev.vigil.schemas.DecisionSource;
import dev.vigil.schemas.Durations;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The guardrails, checked in this order for one intent:
 * <ol>
 *   <li>retention (FORGET, PRUNE) waits while a RESTORE is proposed, approved and held, or in flight;</li>
 *   <li>destructive actions (RESTORE onto the original location, MIGRATE) become proposals unless
 *       the dataset allows them (autoRestore, autoMigrate) or an operator approved them; a second
 *       one of the same action joins the pending proposal;</li>
 *   <li>no duplicate of a command of the same lane in flight;</li>
 *   <li>backoff after failures (until the retry is due);</li>
 *   <li>maintenance windows (global, and the dataset's schedule);</li>
 *   <li>the per-dataset cooldown per lane;</li>
 *   <li>the cap on commands in flight per host.</li>
 * </ol>
 * Urgent intents (priority at or above {@code urgentPriority}) pass 4-6 (6 once per cooldown window per rule
 * and lane); operator-approved ones
 * pass 4-7, and are held (not dropped) by 3; retries pass 4 and 6. Precedence between intents of one
 * lane is settled before.
 */
public final class Guard {
    private final GuardSettings settings;

    /** @param settings the settings */
    public Guard(final GuardSettings settings) {
        this.settings = settings;
    }

    /** @return the settings */
    public GuardSettings settings() {
        return settings;
    }

    /** Category of a COMMAND verdict whose urgency cut the lane's cooldown short (recorded in the state). */
    public static final String URGENT_PASS = "urgent-pass";

    /** What to do with an intent. */
    public enum Kind {
        /** Issue the command. */
        COMMAND,
        /** Ask an operator first. */
        PROPOSE,
        /** Add to the pending proposal of the same action. */
        JOIN,
        /** Nothing now; a transient guardrail may let it pass later. */
        HOLD,
        /** Nothing: it would repeat what is already under way, or cannot be done. */
        DROP
    }

    /**
     * @param kind what to do
     * @param why for people; empty for COMMAND and PROPOSE
     * @param category short name of the guardrail, for de-duplicating audit records
     */
    public record Verdict(Kind kind, String why, String category) {
    }

    /**
     * @param intent what is wanted
     * @param spec the dataset
     * @param state its state
     * @param hostInFlight commands in flight on the dataset's host
     * @param approved whether an operator approved it
     * @param now epoch ms
     * @return the verdict
     */
    public Verdict check(final Intent intent, final DatasetSpec spec, final DatasetState state,
                         final int hostInFlight, final boolean approved, final long now) {
        final boolean retry = "retry".equals(intent.rule());
        final boolean urgent = intent.priority() >= settings.urgentPriority();
        if (intent.action() == Action.MIGRATE && intent.targetRepository() == null) {
            return new Verdict(Kind.DROP, "MIGRATE impossible: dataset " + spec.getId()
                    + " has no offsite repository", "no-offsite");
        }
        final Optional<String> restore = retention(intent) ? restorePending(state) : Optional.empty();
        if (restore.isPresent()) {
            // a RESTORE names a time, not a snapshot: retention now (keep-last, or hourly backups an incident set off)
            // could forget the very snapshot it is to restore from, while it waits for an operator or the worker
            return new Verdict(Kind.HOLD, "retention held while " + restore.get() + " (its snapshot must not be "
                    + "forgotten)", "restore-pending");
        }
        if (!approved && destructive(intent, spec) && !allowed(intent, spec)) {
            final Optional<DatasetState.Proposal> pending = state.proposalLike(intent);
            if (pending.isPresent()) {
                return new Verdict(Kind.JOIN, "a " + intent.action() + " proposal already awaits approval: "
                        + pending.get().decisionId(), "pending-proposal");
            }
            return new Verdict(Kind.PROPOSE, "", "");
        }
        final Optional<DatasetState.InFlight> busy = state.inFlightIn(intent.lane());
        if (busy.isPresent()) {
            final DatasetState.InFlight f = busy.get();
            final String what = f.action() + " " + f.commandId() + " in flight since "
                    + Instant.ofEpochMilli(f.issuedAt());
            if (intent.protect() && !f.intent().protect()) {
                return new Verdict(Kind.HOLD, "waits for " + what + " (that snapshot is not protected)", "in-flight");
            }
            if (approved) {
                // an operator's approval is not a repeat of what runs (another restore, other paths): it waits
                return new Verdict(Kind.HOLD, "waits for " + what, "in-flight");
            }
            return new Verdict(Kind.DROP, "duplicate: " + what, "duplicate");
        }
        final Long last = state.lastCommandAt.get(intent.lane());
        final Duration cooldown = cooldown(intent, spec);
        final boolean cooling = !retry && last != null && now - last < cooldown.toMillis();
        final String ago = cooling ? "last " + intent.lane() + " command " + Durations.format(Duration.ofSeconds(
                (now - last) / 1000)) + " ago (cooldown " + Durations.format(cooldown) + ")" : "";
        if (!approved && !urgent) {
            final DatasetState.Failure failure = state.failures.get(intent.lane());
            if (!retry && failure != null && now < failure.nextRetryAt()) {
                return new Verdict(Kind.HOLD, "backing off after " + failure.count() + " failure(s) until "
                        + Instant.ofEpochMilli(failure.nextRetryAt()), "backoff");
            }
            final Optional<String> window = window(spec, now);
            if (window.isPresent()) {
                return new Verdict(Kind.HOLD, window.get(), "maintenance");
            }
            if (cooling) {
                return new Verdict(Kind.HOLD, "cooldown: " + ago, "cooldown");
            }
        }
        boolean urgentPass = false;
        if (!approved && urgent && cooling) {
            // urgency cuts a cooldown short once per window and rule: an urgent rule that keeps matching (an
            // always-true condition, a cooldown of 0) would otherwise issue a command each time the lane is free
            final Long passed = state.urgentPassAt.get(urgentKey(intent));
            if (passed != null && now - passed < cooldown.toMillis()) {
                return new Verdict(Kind.HOLD, "cooldown: " + ago + "; urgent " + intent.rule() + " passed it "
                        + Durations.format(Duration.ofSeconds((now - passed) / 1000)) + " ago, once per cooldown",
                        "cooldown");
            }
            urgentPass = true;
        }
        if (!approved && hostInFlight >= settings.hostCap()) {
            return new Verdict(Kind.HOLD, "host " + spec.getHost() + " at its cap of " + settings.hostCap()
                    + " command(s) in flight", "host-cap");
        }
        return new Verdict(Kind.COMMAND, "", urgentPass ? URGENT_PASS : "");
    }

    /**
     * @param intent an intent
     * @return the key of {@link DatasetState#urgentPassAt} for it: its lane and rule
     */
    public static String urgentKey(final Intent intent) {
        return intent.lane() + "|" + intent.rule();
    }

    private static boolean retention(final Intent intent) {
        return intent.action() == Action.FORGET || intent.action() == Action.PRUNE;
    }

    /** @return a RESTORE of the dataset not yet done, described: proposed, approved and held, or in flight */
    private static Optional<String> restorePending(final DatasetState state) {
        final Optional<String> proposed = state.proposals.values().stream()
                .filter(p -> p.intent().action() == Action.RESTORE).findFirst()
                .map(p -> "RESTORE proposal " + p.decisionId() + " awaits approval");
        if (proposed.isPresent()) {
            return proposed;
        }
        final Optional<String> held = state.approved.values().stream()
                .filter(a -> a.intent().action() == Action.RESTORE).findFirst()
                .map(a -> "approved RESTORE (proposal " + a.proposalId() + ") waits to be issued");
        if (held.isPresent()) {
            return held;
        }
        return state.inFlightIn(Action.RESTORE.name()).map(f -> "RESTORE " + f.commandId() + " is in flight");
    }

    /**
     * @param intent an intent
     * @param spec its dataset
     * @return whether it is destructive: MIGRATE, or RESTORE onto the original location, which a target that is the
     *     dataset's path, inside it or above it also is
     */
    public static boolean destructive(final Intent intent, final DatasetSpec spec) {
        return intent.action() == Action.MIGRATE || restoresInto(intent, spec);
    }

    /**
     * @param intent an intent
     * @param spec its dataset
     * @return whether it is a RESTORE that writes into the dataset: onto its path, inside it or above it
     */
    public static boolean restoresInto(final Intent intent, final DatasetSpec spec) {
        if (intent.action() != Action.RESTORE) {
            return false;
        }
        if (intent.target() == null) {
            return true;
        }
        // by text: a target that reaches the dataset through a symlink is not recognized here (the worker's target
        // guard resolves links and refuses the dataset's own path without overwrite)
        try {
            final java.nio.file.Path target = java.nio.file.Path.of(intent.target()).normalize();
            final java.nio.file.Path data = java.nio.file.Path.of(spec.getPath()).normalize();
            return target.startsWith(data) || data.startsWith(target);
        } catch (java.nio.file.InvalidPathException e) {
            return true; // not a path this engine can judge: an operator does
        }
    }

    /**
     * The cooldown of the intent's lane. A backup's is at most half the dataset's RPO: a longer one would hold every
     * scheduled backup past the RPO it is there to meet.
     */
    private Duration cooldown(final Intent intent, final DatasetSpec spec) {
        final Duration half = Duration.ofMillis(spec.getRpoSeconds() * 500L);
        return Intent.isBackup(intent.action()) && spec.getRpoSeconds() > 0 && half.compareTo(settings.cooldown()) < 0
                ? half : settings.cooldown();
    }

    private static boolean allowed(final Intent intent, final DatasetSpec spec) {
        return intent.action() == Action.RESTORE ? spec.getAutoRestore() : spec.getAutoMigrate();
    }

    /**
     * @param spec the dataset
     * @param now epoch ms
     * @return a description of the maintenance window now in force, if any
     */
    public Optional<String> window(final DatasetSpec spec, final long now) {
        final List<MaintenanceWindow> windows = new ArrayList<>(settings.windows());
        try {
            windows.addAll(MaintenanceWindow.parseAll(spec.getSchedule()));
        } catch (IllegalArgumentException e) {
            // A bad schedule in a spec must not stop decisions; `vigil datasets add` refuses it up front.
        }
        final ZonedDateTime at = Instant.ofEpochMilli(now).atZone(settings.zone());
        for (final MaintenanceWindow w : windows) {
            final Optional<ZonedDateTime> end = w.endIfInside(at);
            if (end.isPresent()) {
                return Optional.of("maintenance window '" + w.text() + "' (" + settings.zone() + ") until "
                        + end.get().toInstant());
            }
        }
        return Optional.empty();
    }

    /**
     * @param source who wants it
     * @return whether a held intent of this source is kept and retried (rules and the tree react to
     *     events that will not repeat; the policy asks again on every tick anyway)
     */
    public static boolean deferrable(final DecisionSource source) {
        return source == DecisionSource.RULE || source == DecisionSource.TREE;
    }
}
