package dev.vigil.collector.events;

import java.time.Clock;
import java.util.function.LongConsumer;

/**
 * Detects steps of the wall clock (NTP corrections, a VM resumed, an operator's date command) by
 * comparing how far it moved with the monotonic clock since the last check. A step larger than the
 * threshold is reported with its size: positive when the clock jumped forward.
 */
public final class ClockWatch {
    private final Clock clock;
    private final long thresholdMillis;
    private final LongConsumer onJump;
    private long lastWall;
    private long lastMono;

    /**
     * @param clock the wall clock
     * @param thresholdMillis smallest step reported, in milliseconds
     * @param onJump receives the step in milliseconds
     */
    public ClockWatch(final Clock clock, final long thresholdMillis, final LongConsumer onJump) {
        this.clock = clock;
        this.thresholdMillis = thresholdMillis;
        this.onJump = onJump;
        this.lastWall = clock.millis();
        this.lastMono = System.nanoTime();
    }

    /** Compares both clocks; call it regularly (every second). */
    public synchronized void check() {
        check(clock.millis(), System.nanoTime());
    }

    synchronized void check(final long wallMillis, final long monoNanos) {
        final long step = (wallMillis - lastWall) - (monoNanos - lastMono) / 1_000_000;
        lastWall = wallMillis;
        lastMono = monoNanos;
        if (Math.abs(step) >= thresholdMillis) {
            onJump.accept(step);
        }
    }
}
