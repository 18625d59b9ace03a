package dev.vigil.decision.engine;

import dev.vigil.decision.guard.GuardSettings;
import dev.vigil.decision.policy.Policy;
import java.time.Duration;

/**
 * Settings of the decision loop.
 *
 * @param policy the policy thresholds
 * @param guard the guardrails
 * @param episodeTtl an anomaly episode without a step for this long is taken as closed
 * @param reconsultRise an episode is decided on again when its score rises this much above the last decision's
 * @param treePriority priority of the tree's decisions, 1..1000
 * @param seriesQuiet a new episode of a series decided on before is decided on again only after the series had no
 *     anomaly for this long, or when its score rose by {@code reconsultRise}: a flapping series is one incident
 * @param hostSilence a host with datasets that sent telemetry before and none for this long is escalated; zero never
 * @param hostRestarts collector starts of one host within {@code hostRestartsWindow} that escalate a restart loop; 0 never
 * @param hostRestartsWindow the window of {@code hostRestarts}; a loop is over once the host stays up this long
 */
public record EngineSettings(Policy policy, GuardSettings guard, Duration episodeTtl, double reconsultRise,
                             int treePriority, Duration seriesQuiet, Duration hostSilence,
                             int hostRestarts, Duration hostRestartsWindow) {
    /** Default of {@code seriesQuiet}. */
    public static final Duration SERIES_QUIET = Duration.ofHours(1);
    /** Default of {@code hostSilence}. */
    public static final Duration HOST_SILENCE = Duration.ofMinutes(15);
    /** Default of {@code hostRestarts}. */
    public static final int HOST_RESTARTS = 3;
    /** Default of {@code hostRestartsWindow}. */
    public static final Duration HOST_RESTARTS_WINDOW = Duration.ofHours(1);

    /** @return every default */
    public static EngineSettings defaults() {
        return new EngineSettings(Policy.defaults(), GuardSettings.defaults(), Duration.ofHours(6), 0.1, 50,
                SERIES_QUIET, HOST_SILENCE, HOST_RESTARTS, HOST_RESTARTS_WINDOW);
    }
}
