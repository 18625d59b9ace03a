package dev.vigil.analyzer.detect;

import dev.vigil.analyzer.store.BinaryReader;
import dev.vigil.analyzer.store.BinaryWriter;

/**
 * An anomaly episode in progress on one series (or host): from the point whose score crossed the
 * open threshold until scores have stayed under the close threshold for long enough.
 */
public final class Episode {
    private final String id;
    private final long start;
    private double peak;
    private double published;
    private int calm;

    /**
     * @param id episode id, the same on every record of the episode
     * @param start event time of the opening point
     * @param score its score
     */
    public Episode(final String id, final long start, final double score) {
        this.id = id;
        this.start = start;
        this.peak = score;
        this.published = score;
    }

    /** @return the episode id */
    public String id() {
        return id;
    }

    /** @return event time of the opening point, epoch milliseconds */
    public long start() {
        return start;
    }

    /** @return the highest score so far */
    public double peak() {
        return peak;
    }

    /** @return consecutive points under the close threshold */
    public int calm() {
        return calm;
    }

    /**
     * @param score the newest score
     * @param threshold close threshold
     */
    void observe(final double score, final double threshold) {
        peak = Math.max(peak, score);
        calm = score < threshold ? calm + 1 : 0;
    }

    /**
     * @param score a score
     * @param delta how much higher than the last published peak it must be
     * @return whether it is worth an UPDATE
     */
    boolean worthUpdate(final double score, final double delta) {
        return score >= published + delta;
    }

    void published(final double score) {
        published = score;
    }

    /** @param out where to write */
    public void write(final BinaryWriter out) {
        out.writeString(id).writeLong(start).writeDouble(peak).writeDouble(published).writeLong(calm);
    }

    /**
     * @param in where to read
     * @return the episode written
     */
    public static Episode read(final BinaryReader in) {
        final Episode e = new Episode(in.readString(), in.readLong(), 0);
        e.peak = in.readDouble();
        e.published = in.readDouble();
        e.calm = in.readInt();
        return e;
    }
}
