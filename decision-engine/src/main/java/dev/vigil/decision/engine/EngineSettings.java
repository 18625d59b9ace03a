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
 */
public record EngineSettings(Policy policy, GuardSettings guard, Duration episodeTtl, double reconsultRise,
                             int treePriority) {
    /** @return every default */
    public static EngineSettings defaults() {
        return new EngineSettings(Policy.defaults(), GuardSettings.defaults(), Duration.ofHours(6), 0.1, 50);
    }
}
