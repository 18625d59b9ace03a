package dev.vigil.analyzer.clean;

import java.time.Clock;
import java.util.function.Supplier;

/**
 * What a record must respect to be used.
 *
 * @param clock wall clock, for "far in the future"
 * @param maxFutureMillis how far ahead of the clock an event time may be, in milliseconds
 * @param maxLogBytes longest log message accepted, in UTF-8 bytes
 * @param maxSeriesChars longest series text (name plus attributes) accepted
 */
public record Limits(Clock clock, long maxFutureMillis, int maxLogBytes, int maxSeriesChars) {
    /** Most attributes one sample may carry. */
    public static final int MAX_ATTRIBUTES = 32;
    /**
     * Longest host name, the longest DNS name. The host is in the key and the value of every output record, in the
     * keys of the state stores' changelogs and in refusals' reasons: a host of 400,000 characters made a dead letter
     * of 1.2 MB, over the 1 MiB a producer sends, and the stream thread failed on it again after every restart.
     */
    public static final int MAX_HOST_CHARS = 253;
    /** Longest unit: a unit the normalizer does not know is published as sent, in every window and anomaly. */
    public static final int MAX_UNIT_CHARS = 64;
    /** Characters of a field that a reason quotes: a reason goes into the dead letter beside the record. */
    private static final int QUOTED_CHARS = 100;

    /**
     * @param what the record, for the message (e.g. "metric web-1/system.cpu.utilization")
     * @param host its host, for the operator's warning
     * @param time its event time, epoch milliseconds
     * @throws RejectedRecordException when the time is missing or too far ahead
     */
    public void checkTime(final Supplier<String> what, final String host, final long time) {
        if (time <= 0) {
            throw new RejectedRecordException(what.get() + ": no event time (" + time + ")", host, Refusal.INVALID);
        }
        final long ahead = time - clock.millis();
        if (ahead > maxFutureMillis) {
            throw new RejectedRecordException(what.get() + ": event time " + java.time.Instant.ofEpochMilli(time)
                    + " is " + ahead / 1000 + " s in the future, more than the " + maxFutureMillis / 1000
                    + " s allowed", host, Refusal.FUTURE);
        }
    }

    /**
     * @param text a field of a record, for a reason
     * @return the text, or its beginning and its length when it is longer than a reason should quote
     */
    public static String quoted(final String text) {
        if (text == null || text.length() <= QUOTED_CHARS) {
            return String.valueOf(text);
        }
        final int end = Character.isHighSurrogate(text.charAt(QUOTED_CHARS - 1)) ? QUOTED_CHARS - 1 : QUOTED_CHARS;
        // brackets, not parentheses: vigil status groups reasons with the record's " (id ...)" left out
        return text.substring(0, end) + "...[" + text.length() + " characters]";
    }

    /**
     * @param what the record
     * @param host its host field
     * @return the host, trimmed
     * @throws RejectedRecordException when it is missing or blank, holds a control character, or is longer than
     *     {@value #MAX_HOST_CHARS} characters
     */
    public static String host(final Supplier<String> what, final String host) {
        final String stripped = required(what, host, "host");
        if (stripped.length() > MAX_HOST_CHARS) {
            throw new RejectedRecordException(what.get() + ": host of " + stripped.length() + " characters, more than "
                    + "the " + MAX_HOST_CHARS + " of the longest DNS name (a fixed limit: the host is in every "
                    + "output record's key)");
        }
        return stripped;
    }

    /**
     * Every state of a host lives in the task of its key's partition, with no repartitioning: records of one host under
     * other keys (null, from a producer that does not key them, or another host's name) would split its series, log
     * counts and record ids over tasks, each with its own windows (published under the same ids) and detector.
     *
     * @param what the record
     * @param key the record's key
     * @param host the host the record names, as sent
     * @param topic the topic's name, for the reason
     * @throws RejectedRecordException when the key is not the host
     */
    public static void checkKey(final Supplier<String> what, final String key, final String host,
                                final String topic) {
        if (!host.equals(key)) {
            throw new RejectedRecordException(what.get() + ": record key " + (key == null ? "null"
                    : "'" + quoted(key) + "'") + " is not its host '" + host + "' (" + topic + " is keyed by host)",
                    host.strip(), Refusal.INVALID);
        }
    }

    /**
     * @param what the record
     * @param value a value
     * @throws RejectedRecordException when it is NaN or infinite
     */
    public static void checkFinite(final Supplier<String> what, final double value) {
        if (!Double.isFinite(value)) {
            throw new RejectedRecordException(what.get() + ": value " + value + " is not a finite number");
        }
    }

    /**
     * @param what the record
     * @param text a required text field
     * @param field its name
     * @return the text, trimmed
     * @throws RejectedRecordException when it is missing or blank, or holds a control character
     */
    public static String required(final Supplier<String> what, final String text, final String field) {
        if (text == null || text.isBlank()) {
            throw new RejectedRecordException(what.get() + ": " + field + " is empty");
        }
        final String stripped = text.strip();
        for (int i = 0; i < stripped.length(); i++) {
            // State keys join host and series with U+0000 (a host holding one had its quiet windows published
            // under the host named by its first part), and a line break would split the operators' log lines.
            if (Character.isISOControl(stripped.charAt(i))) {
                throw new RejectedRecordException(what.get() + ": " + field + " holds control character "
                        + String.format("U+%04X", (int) stripped.charAt(i)) + " at index " + i);
            }
        }
        return stripped;
    }
}
