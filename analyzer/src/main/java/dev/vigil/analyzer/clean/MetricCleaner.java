package dev.vigil.analyzer.clean;

import dev.vigil.analyzer.normalize.Normalizer;
import dev.vigil.analyzer.normalize.Point;
import dev.vigil.analyzer.normalize.Units;
import dev.vigil.schemas.MetricSample;
import dev.vigil.schemas.topic.Topics;
import java.util.function.Supplier;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Validates a metric sample, normalizes it, and checks the canonical value is possible. Refused
 * samples leave through {@link RejectedRecordException} (to the dead-letter topic):
 * <ul>
 *   <li>no host, name or event time; an event time far in the future; a record key other than the host;</li>
 *   <li>NaN or infinite values; more than {@value Limits#MAX_ATTRIBUTES} attributes; a host longer than
 *       {@value Limits#MAX_HOST_CHARS} characters, a unit longer than {@value Limits#MAX_UNIT_CHARS}, a series text
 *       longer than {@link Limits#maxSeriesChars()};</li>
 *   <li>after conversion: a value beyond &plusmn;{@value #MAX_MAGNITUDE}, negative bytes, a {@code *.utilization}
 *       ratio outside [0, 1], a temperature below absolute zero.</li>
 * </ul>
 * Output: the {@link Point}, keyed by host, timestamped with its event time.
 */
public final class MetricCleaner implements Processor<String, MetricSample, String, Point> {
    /** Rounding slack for ratios computed by agents (e.g. 100.0000001 %). */
    public static final double RATIO_SLACK = 1e-6;
    /** Rounding slack of the conversions to Celsius: -459.67 degF comes out as -273.15000000000003 Cel. */
    private static final double CELSIUS_SLACK = 1e-9;
    /**
     * Largest magnitude of a canonical value. No measurement comes near (a yottabyte is 1e24 bytes), and beyond
     * it the statistics overflow: a variance of 1e300s is infinite, and the detector keeps values as floats (up
     * to 3.4e38), so one such value from a broken agent left the series' statistics infinite and its scores NaN.
     */
    public static final double MAX_MAGNITUDE = 1e30;
    private final Limits limits;
    private ProcessorContext<String, Point> context;

    /** @param limits what a sample must respect */
    public MetricCleaner(final Limits limits) {
        this.limits = limits;
    }

    @Override
    public void init(final ProcessorContext<String, Point> context) {
        this.context = context;
    }

    @Override
    public void process(final Record<String, MetricSample> record) {
        final Point point = clean(record.value(), limits);
        Limits.checkKey(() -> "metric " + point.host() + "/" + point.series(), record.key(), record.value().getHost(),
                Topics.METRICS.name());
        context.forward(record.withKey(point.host()).withValue(point).withTimestamp(point.time()));
    }

    /**
     * @param sample a sample as received
     * @param limits what it must respect
     * @return the normalized point
     * @throws RejectedRecordException saying what is wrong
     */
    public static Point clean(final MetricSample sample, final Limits limits) {
        if (sample == null) {
            throw new RejectedRecordException("metric record without a value");
        }
        // Built only when a record is refused.
        final Supplier<String> what = () -> "metric " + Limits.quoted(sample.getHost()) + "/"
                + Limits.quoted(sample.getName()) + " (id " + Limits.quoted(sample.getId()) + ")";
        final String host = Limits.host(what, sample.getHost());
        Limits.required(what, sample.getName(), "name");
        final long time = sample.getTime() == null ? 0 : sample.getTime().toEpochMilli();
        limits.checkTime(what, host, time);
        Limits.checkFinite(what, sample.getValue());
        if (sample.getAttributes().size() > Limits.MAX_ATTRIBUTES) {
            throw new RejectedRecordException(what.get() + ": " + sample.getAttributes().size() + " attributes, more than "
                    + Limits.MAX_ATTRIBUTES);
        }
        if (sample.getUnit() != null && sample.getUnit().length() > Limits.MAX_UNIT_CHARS) {
            throw new RejectedRecordException(what.get() + ": unit of " + sample.getUnit().length() + " characters, "
                    + "more than " + Limits.MAX_UNIT_CHARS);
        }
        final Normalizer.Canonical canonical = Normalizer.metric(sample.getName(), sample.getUnit(),
                sample.getValue(), sample.getAttributes());
        final String series = canonical.series();
        if (series.length() > limits.maxSeriesChars()) {
            throw new RejectedRecordException(what.get() + ": series name of " + series.length() + " characters, more than "
                    + limits.maxSeriesChars());
        }
        checkPossible(what, canonical); // after: its reasons quote the name
        final String id = sample.getId() == null ? "" : sample.getId();
        return new Point(host, series, canonical.unit(), time, canonical.value(), Point.Kind.METRIC,
                canonical.attributes().get("dataset"), id.isEmpty() ? 0 : IdHash.of(id), false);
    }

    private static void checkPossible(final Supplier<String> what, final Normalizer.Canonical c) {
        final double v = c.value();
        if (!(Math.abs(v) <= MAX_MAGNITUDE)) {
            // also a finite value that the conversion made infinite (1e308 PiBy)
            throw new RejectedRecordException(what.get() + ": value " + v + " " + c.unit() + " beyond ±"
                    + MAX_MAGNITUDE + ", more than any measurement");
        }
        if ((Units.BYTES.equals(c.unit()) || Units.BYTES_PER_SECOND.equals(c.unit())) && v < 0) {
            throw new RejectedRecordException(what.get() + ": negative byte count " + v + " " + c.unit());
        }
        if (Units.RATIO.equals(c.unit()) && c.name().endsWith(".utilization") && (v < -RATIO_SLACK
                || v > 1 + RATIO_SLACK)) {
            throw new RejectedRecordException(what.get() + ": utilization " + v + " outside [0, 1] (" + c.name() + ")");
        }
        if (Units.CELSIUS.equals(c.unit()) && v < Units.absoluteZeroCelsius() - CELSIUS_SLACK) {
            throw new RejectedRecordException(what.get() + ": temperature " + v + " Cel below absolute zero");
        }
    }
}
