package dev.vigil.decision.guard;

import java.time.Duration;
import java.time.ZoneId;
import java.util.List;

/**
 * The guardrails' settings (from {@code DecisionConfig}).
 *
 * @param cooldown per dataset and lane: no routine command within this time of the last one (for backups at most half
 *     the dataset's RPO, see {@link Guard})
 * @param hostCap most commands in flight per host
 * @param urgentPriority intents at or above this priority pass cooldowns, backoff and maintenance windows
 * @param retryBase first retry delay after a failure; doubles with each failure
 * @param retryMax longest retry delay
 * @param escalateAfter failures in a row that raise an escalation
 * @param windows maintenance windows for every dataset (a dataset's own schedule adds to them)
 * @param zone time zone of the windows
 * @param commandTtl a command expires this long after it is issued; one the worker never accepted is written off then
 * @param commandSilence a command the worker accepted is written off once it expired and the worker has said nothing of
 *     it (no PROGRESS, no result) for this long
 * @param proposalTtl a proposal is dropped this long after it is made
 * @param deferralTtl a deferred rule or tree intent is retried for this long
 * @param suppressionRepeat the same suppression is audited again only after this time
 * @param taskMaxBackups most routine backups one engine task starts within {@code taskBackupsWindow}; 0 no cap
 * @param taskBackupsWindow the window of {@code taskMaxBackups}
 */
public record GuardSettings(Duration cooldown, int hostCap, int urgentPriority, Duration retryBase,
                            Duration retryMax, int escalateAfter, List<MaintenanceWindow> windows, ZoneId zone,
                            Duration commandTtl, Duration commandSilence, Duration proposalTtl, Duration deferralTtl,
                            Duration suppressionRepeat, int taskMaxBackups, Duration taskBackupsWindow) {
    /** Default of {@code commandSilence}: many PROGRESS reports (the worker's longest interval is 10 min), all lost. */
    public static final Duration COMMAND_SILENCE = Duration.ofHours(1);

    /** @return the defaults of {@code DecisionConfig} */
    public static GuardSettings defaults() {
        return new GuardSettings(Duration.ofMinutes(10), 2, 90, Duration.ofMinutes(1), Duration.ofHours(1), 3,
                List.of(), ZoneId.of("UTC"), Duration.ofHours(6), COMMAND_SILENCE, Duration.ofHours(24),
                Duration.ofHours(1), Duration.ofHours(1), 40, Duration.ofMinutes(10));
    }

    /**
     * @param failures failures in a row, at least 1
     * @return the delay before the next try: base * 2^(failures-1), at most {@link #retryMax}
     */
    public Duration backoff(final int failures) {
        final int doublings = Math.min(30, Math.max(0, failures - 1));
        final Duration d = retryBase.multipliedBy(1L << doublings);
        return d.compareTo(retryMax) > 0 ? retryMax : d;
    }
}
