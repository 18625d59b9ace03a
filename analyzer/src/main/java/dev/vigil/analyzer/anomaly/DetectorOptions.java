package dev.vigil.analyzer.anomaly;

import java.util.Properties;

/**
 * Hyperparameters of {@link SeriesDetector} and {@link HostDetector}, immutable and validated on
 * construction (after Smile's {@code IsolationForest.Options}). Start from {@link #defaults()} and
 * change what you need with the {@code with...} methods, so that code keeps compiling when a field
 * is added.
 *
 * @param warmupPoints points a detector sees before it scores (and first trains); in [16, window]
 * @param window training window: the most recent points the forest is trained on; in [32, 65536]
 * @param retrainEvery the forest is rebuilt every this many points after the first training; in [1, 65536]
 * @param trees number of isolation trees; in [0, 1000], 0 leaves the forest out (for ablations)
 * @param subsample points drawn (without replacement) from the window for each tree; in [2, window]
 * @param maxDepth depth limit of a tree; 0 means ceil(log2(subsample)), the value of Liu et al.; in [0, 64]
 * @param extensionLevel 0 for axis-parallel splits (classic Isolation Forest), higher for the
 *     extended forest of Hariri et al.; must be below the number of features
 * @param shortPoints points of the short horizon: recent mean and volatility; in [2, 256]
 * @param seasonBins bins per day of the daily and weekly seasonal profiles; in [4, 1440]
 * @param noveltyHalfLife half-life, in points, of the recent peak of surprise that a point must
 *     exceed to score; 0 scores every point's full surprise; in [0, 1000000]
 * @param scoreScale calibration: the score is {@code S / (S + scoreScale)} with {@code S = -log10(p)},
 *     p the point's tail probability; so a point scores 0.5 when p = 10^-scoreScale; in (0, 100]
 */
public record DetectorOptions(int warmupPoints, int window, int retrainEvery, int trees, int subsample,
                              int maxDepth, int extensionLevel, int shortPoints, int seasonBins,
                              int noveltyHalfLife, double scoreScale) {
    private static final String PREFIX = "anomaly.";

    /** Validates every field; throws {@link IllegalArgumentException} naming the field, the range and the value. */
    public DetectorOptions {
        check("window", window, 32, 65536);
        check("warmupPoints", warmupPoints, 16, window);
        check("retrainEvery", retrainEvery, 1, 65536);
        check("trees", trees, 0, 1000);
        check("subsample", subsample, 2, window);
        check("maxDepth", maxDepth, 0, 64);
        check("extensionLevel", extensionLevel, 0, 64);
        check("shortPoints", shortPoints, 2, 256);
        check("seasonBins", seasonBins, 4, 1440);
        check("noveltyHalfLife", noveltyHalfLife, 0, 1_000_000);
        if (!(scoreScale > 0 && scoreScale <= 100)) {
            throw new IllegalArgumentException("scoreScale must be in (0, 100], was " + scoreScale);
        }
    }

    /** @return the defaults: the values Vigil and {@code vigil nab} run with */
    public static DetectorOptions defaults() {
        return new DetectorOptions(128, 512, 256, 32, 128, 0, 0, 12, 144, 300, 2.5);
    }

    /** @return the depth limit actually used: {@link #maxDepth()} or ceil(log2(subsample)) when it is 0 */
    public int effectiveMaxDepth() {
        return maxDepth > 0 ? maxDepth : 32 - Integer.numberOfLeadingZeros(subsample - 1);
    }

    /**
     * @param points the new warm-up length in points
     * @return a copy with that warm-up
     */
    public DetectorOptions withWarmupPoints(final int points) {
        return new DetectorOptions(points, window, retrainEvery, trees, subsample, maxDepth, extensionLevel,
                shortPoints, seasonBins, noveltyHalfLife, scoreScale);
    }

    /**
     * @param points the new training window in points (the subsample shrinks to fit when needed)
     * @return a copy with that window
     */
    public DetectorOptions withWindow(final int points) {
        return new DetectorOptions(Math.min(warmupPoints, points), points, retrainEvery, trees,
                Math.min(subsample, points), maxDepth, extensionLevel, shortPoints, seasonBins, noveltyHalfLife,
                scoreScale);
    }

    /**
     * @param count the number of trees
     * @return a copy with that many trees
     */
    public DetectorOptions withTrees(final int count) {
        return new DetectorOptions(warmupPoints, window, retrainEvery, count, subsample, maxDepth, extensionLevel,
                shortPoints, seasonBins, noveltyHalfLife, scoreScale);
    }

    /**
     * @param level the extension level of the forest's splits
     * @return a copy with that extension level
     */
    public DetectorOptions withExtensionLevel(final int level) {
        return new DetectorOptions(warmupPoints, window, retrainEvery, trees, subsample, maxDepth, level,
                shortPoints, seasonBins, noveltyHalfLife, scoreScale);
    }

    /**
     * @param points retrain period in points
     * @return a copy with that retrain period
     */
    public DetectorOptions withRetrainEvery(final int points) {
        return new DetectorOptions(warmupPoints, window, points, trees, subsample, maxDepth, extensionLevel,
                shortPoints, seasonBins, noveltyHalfLife, scoreScale);
    }

    /**
     * @return the options as properties {@code anomaly.<field>}, the inverse of {@link #of(Properties)}
     */
    public Properties toProperties() {
        final Properties p = new Properties();
        p.setProperty(PREFIX + "warmupPoints", Integer.toString(warmupPoints));
        p.setProperty(PREFIX + "window", Integer.toString(window));
        p.setProperty(PREFIX + "retrainEvery", Integer.toString(retrainEvery));
        p.setProperty(PREFIX + "trees", Integer.toString(trees));
        p.setProperty(PREFIX + "subsample", Integer.toString(subsample));
        p.setProperty(PREFIX + "maxDepth", Integer.toString(maxDepth));
        p.setProperty(PREFIX + "extensionLevel", Integer.toString(extensionLevel));
        p.setProperty(PREFIX + "shortPoints", Integer.toString(shortPoints));
        p.setProperty(PREFIX + "seasonBins", Integer.toString(seasonBins));
        p.setProperty(PREFIX + "noveltyHalfLife", Integer.toString(noveltyHalfLife));
        p.setProperty(PREFIX + "scoreScale", Double.toString(scoreScale));
        return p;
    }

    /**
     * Reads options from properties {@code anomaly.<field>}; a missing key takes its default.
     *
     * @param props the properties
     * @return the options
     * @throws IllegalArgumentException when a value is not a number or out of range
     */
    public static DetectorOptions of(final Properties props) {
        final DetectorOptions d = defaults();
        return new DetectorOptions(
                intOf(props, "warmupPoints", d.warmupPoints), intOf(props, "window", d.window),
                intOf(props, "retrainEvery", d.retrainEvery), intOf(props, "trees", d.trees),
                intOf(props, "subsample", d.subsample), intOf(props, "maxDepth", d.maxDepth),
                intOf(props, "extensionLevel", d.extensionLevel), intOf(props, "shortPoints", d.shortPoints),
                intOf(props, "seasonBins", d.seasonBins), intOf(props, "noveltyHalfLife", d.noveltyHalfLife),
                doubleOf(props, "scoreScale", d.scoreScale));
    }

    private static int intOf(final Properties props, final String field, final int fallback) {
        final String v = props.getProperty(PREFIX + field);
        try {
            return v == null ? fallback : Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(PREFIX + field + " must be an integer, was '" + v + "'", e);
        }
    }

    private static double doubleOf(final Properties props, final String field, final double fallback) {
        final String v = props.getProperty(PREFIX + field);
        try {
            return v == null ? fallback : Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(PREFIX + field + " must be a number, was '" + v + "'", e);
        }
    }

    private static void check(final String field, final int value, final int min, final int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(field + " must be in [" + min + ", " + max + "], was " + value);
        }
    }
}
