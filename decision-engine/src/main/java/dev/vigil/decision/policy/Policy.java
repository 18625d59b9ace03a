package dev.vigil.decision.policy;

import java.time.Duration;

/**
 * The engine's policy thresholds (see {@link PolicyConfig} for what each means).
 *
 * @param differentialMaxChangeRatio DIFFERENTIAL under this fraction changed since the FULL
 * @param fullChangeRatio FULL at this fraction changed since the FULL
 * @param maxChainLength FULL after this many snapshots since the last
 * @param rpoLead start a backup at this fraction of the RPO
 * @param forgetEvery FORGET this often
 * @param pruneEvery PRUNE this often
 * @param changeRateWindow window of the change-rate figures
 * @param activityHorizon horizon of the hourly created and deleted counts (state.horizon*), 1h to 7d
 */
public record Policy(double differentialMaxChangeRatio, double fullChangeRatio, int maxChainLength, double rpoLead,
                     Duration forgetEvery, Duration pruneEvery, Duration changeRateWindow,
                     Duration activityHorizon) {
    /** @return every default */
    public static Policy defaults() {
        return PolicyConfig.read(null).policy();
    }
}
