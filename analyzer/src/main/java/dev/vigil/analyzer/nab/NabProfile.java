package dev.vigil.analyzer.nab;

/** NAB's application profiles ({@code config/profiles.json}): weights of a TP, an FP and an FN. */
public enum NabProfile {
    /** Balanced. */
    STANDARD("standard", 1.0, 0.11, 1.0),
    /** FPs cost twice as much: for operators who hate pages. */
    REWARD_LOW_FP_RATE("reward_low_FP_rate", 1.0, 0.22, 1.0),
    /** Misses cost twice as much: for systems where a missed anomaly is expensive. */
    REWARD_LOW_FN_RATE("reward_low_FN_rate", 1.0, 0.11, 2.0);

    private final String nabName;
    private final double tp;
    private final double fp;
    private final double fn;

    NabProfile(final String nabName, final double tp, final double fp, final double fn) {
        this.nabName = nabName;
        this.tp = tp;
        this.fp = fp;
        this.fn = fn;
    }

    /** @return NAB's name of the profile */
    public String nabName() {
        return nabName;
    }

    /** @return weight of the earliest detection in a window */
    public double tpWeight() {
        return tp;
    }

    /** @return weight of a detection outside every window */
    public double fpWeight() {
        return fp;
    }

    /** @return cost of a window without detection */
    public double fnWeight() {
        return fn;
    }
}
