package dev.vigil.analyzer.anomaly;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;

/**
 * Turns one series, point by point, into feature vectors (for the per-feature tails) and forest
 * inputs (for the Isolation Forest). Each point is described
 * against what came before it only (never against itself), in constant time and bounded memory.
 *
 * <p>Features: {@code change} (value minus previous value), {@code residual} (value minus the recent
 * level), {@code seasonalResidual} (value minus the seasonal baseline), {@code recentSeasonal} (mean
 * seasonal residual over the short horizon), {@code volatility} (log of the mean absolute change
 * over the short horizon) and {@code zscore} (value against the long-run mean and deviation). The
 * seasonal baseline is the better, by recent absolute error, of the daily and the weekly profile,
 * or the long-run mean while neither has seen the time of day (or the hour after it) yet. A point
 * whose chosen profile has not seen its time of day (its baseline read ahead, or the long-run mean)
 * has no {@code seasonalResidual} (NaN: not scored, and left out of that feature's tail) but still
 * counts in {@code recentSeasonal}.
 */
final class SeriesFeatures {
    static final List<String> NAMES = List.of("change", "residual", "seasonalResidual", "recentSeasonal",
            "volatility", "zscore");
    /** The features that are means over the short horizon, whose largest values come in runs. */
    static final Set<String> AVERAGED = Set.of("recentSeasonal");
    /** What the forest input stands for: the level (z-score) against the time of day. */
    static final String FOREST_NAME = "levelForTimeOfDay";
    /** Length of {@link #forestInput}. */
    static final int FOREST_DIMENSION = 3;
    private static final int ZSCORE = 5;
    private static final long DAY = 86_400_000L;
    /** Weight of a new point in its seasonal bin. */
    private static final double SEASON_ALPHA = 0.25;
    private static final int PREDICTORS = 2;

    private final int shortPoints;
    private final double longAlpha;
    private final double levelAlpha;
    private final SeasonalProfile daily;
    private final SeasonalProfile weekly;

    private long count;
    private long lastTime;
    private double lastValue;
    private double level;
    private double longMean;
    private double longVar;
    private final double[] predictorError = new double[PREDICTORS];
    private final double[] recentResidual;
    private final double[] recentChange;

    /** Baseline of the last {@link #next} call. */
    private double baseline;

    SeriesFeatures(final DetectorOptions options) {
        this.shortPoints = options.shortPoints();
        this.longAlpha = 2.0 / (options.window() + 1.0);
        this.levelAlpha = 2.0 / (options.shortPoints() + 1.0);
        this.daily = new SeasonalProfile(DAY, options.seasonBins(), SEASON_ALPHA);
        this.weekly = new SeasonalProfile(7 * DAY, 7 * options.seasonBins(), SEASON_ALPHA);
        this.recentResidual = new double[shortPoints];
        this.recentChange = new double[shortPoints];
    }

    /**
     * Describes a point, then learns from it.
     *
     * @param time event time in epoch milliseconds, not before the previous point's
     * @param value a finite value
     * @return the feature vector, in the order of {@link #NAMES}
     */
    double[] next(final long time, final double value) {
        final double[] predictions = {daily.expected(time), weekly.expected(time)};
        final int best = bestPredictor(predictions);
        baseline = count == 0 ? value : best < 0 ? longMean : predictions[best];
        final double seasonal = value - baseline;
        final double change = count == 0 ? 0.0 : value - lastValue;
        final int slot = (int) (count % shortPoints);
        recentResidual[slot] = seasonal;
        recentChange[slot] = Math.abs(change);
        final int filled = (int) Math.min(count + 1, shortPoints);
        final double sd = Math.sqrt(longVar);
        final double[] f = {
            change,
            count == 0 ? 0.0 : value - level,
            // None without a seasonal baseline: a residual against the long-run mean (up to the whole daily
            // swing) is not a seasonal one, and in the tail's window it made true seasonal residuals look small.
            // Nor against a value read ahead: just before a daily step, that is the level after it.
            best < 0 || !(best == 0 ? daily : weekly).seen(time) ? Double.NaN : seasonal,
            mean(recentResidual, filled),
            Math.log(mean(recentChange, filled) + 1e-9 * (Math.abs(longMean) + sd) + 1e-300),
            sd > 0 ? (value - longMean) / sd : 0.0,
        };
        learn(time, value, predictions);
        return f;
    }

    /**
     * The forest's view of a point: its level as a z-score against the long run, and the time of day
     * as a point on the unit circle (so 23:59 is next to 00:00). The forest learns their joint
     * density: which levels are usual at which time of day, several of them if the series has
     * several regimes, where the seasonal profile keeps one mean per time.
     *
     * @param time the point's event time in epoch milliseconds
     * @param features the point's features from {@link #next}
     * @return {cos, sin} of the time of day and the z-score
     */
    static double[] forestInput(final long time, final double[] features) {
        final double angle = 2 * Math.PI * Math.floorMod(time, DAY) / DAY;
        return new double[] {Math.cos(angle), Math.sin(angle), features[ZSCORE]};
    }

    /** @return the index of the profile with the lower recent error, or -1 when neither is available */
    private int bestPredictor(final double[] predictions) {
        int best = -1;
        for (int k = 0; k < PREDICTORS; k++) {
            if (!Double.isNaN(predictions[k]) && (best < 0 || predictorError[k] < predictorError[best])) {
                best = k;
            }
        }
        return best;
    }

    private void learn(final long time, final double value, final double[] predictions) {
        if (count == 0) {
            level = value;
            longMean = value;
        } else {
            for (int k = 0; k < PREDICTORS; k++) {
                final double p = Double.isNaN(predictions[k]) ? longMean : predictions[k];
                predictorError[k] += longAlpha * (Math.abs(value - p) - predictorError[k]);
            }
            level += levelAlpha * (value - level);
            final double d = value - longMean;
            longMean += longAlpha * d;
            longVar = (1 - longAlpha) * (longVar + longAlpha * d * d);
        }
        daily.add(time, value);
        weekly.add(time, value);
        lastTime = time;
        lastValue = value;
        count++;
    }

    private static double mean(final double[] values, final int n) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += values[i];
        }
        return sum / n;
    }

    /** @return the baseline of the last point described */
    double baseline() {
        return baseline;
    }

    /** @return the time of the last point, or Long.MIN_VALUE before the first */
    long lastTime() {
        return count == 0 ? Long.MIN_VALUE : lastTime;
    }

    /** @return points seen */
    long count() {
        return count;
    }

    /** @return bytes of {@link #write} */
    int serializedSize() {
        return 8 * 2 + 8 * 5 + 8 * PREDICTORS + 16 * shortPoints + daily.serializedSize() + weekly.serializedSize();
    }

    void write(final ByteBuffer out) {
        out.putLong(count).putLong(lastTime);
        out.putDouble(lastValue).putDouble(level).putDouble(longMean).putDouble(longVar).putDouble(baseline);
        for (final double e : predictorError) {
            out.putDouble(e);
        }
        for (int i = 0; i < shortPoints; i++) {
            out.putDouble(recentResidual[i]).putDouble(recentChange[i]);
        }
        daily.write(out);
        weekly.write(out);
    }

    void read(final ByteBuffer in) {
        count = in.getLong();
        lastTime = in.getLong();
        lastValue = in.getDouble();
        level = in.getDouble();
        longMean = in.getDouble();
        longVar = in.getDouble();
        baseline = in.getDouble();
        for (int k = 0; k < PREDICTORS; k++) {
            predictorError[k] = in.getDouble();
        }
        for (int i = 0; i < shortPoints; i++) {
            recentResidual[i] = in.getDouble();
            recentChange[i] = in.getDouble();
        }
        daily.read(in);
        weekly.read(in);
    }
}
