package dev.vigil.analyzer.clean;

import dev.vigil.analyzer.AnalyzerException;

/**
 * A record that decodes but cannot be used: non-finite or impossible values, a time far in the
 * future, an oversized log line, a point too late for its series. Processors throw it and the
 * {@link dev.vigil.analyzer.dlq.DeadLetterHandler} sends the original bytes to the dead-letter
 * topic with the message as reason, so rejecting costs nothing on the normal path.
 */
public final class RejectedRecordException extends AnalyzerException {
    private static final long serialVersionUID = 1L;

    private final String host;
    private final Refusal refusal;

    /**
     * A record with missing or impossible fields ({@link Refusal#INVALID}), of the host its key names.
     *
     * @param reason why, naming the record (e.g. "metric web-1/system.cpu.utilization: value NaN")
     */
    public RejectedRecordException(final String reason) {
        this(reason, null, Refusal.INVALID);
    }

    /**
     * @param reason why, naming the record
     * @param host the record's host, or null when unknown (the handler then takes the record's key)
     * @param refusal the rule it broke, for the operator's warning
     */
    public RejectedRecordException(final String reason, final String host, final Refusal refusal) {
        super(reason);
        this.host = host;
        this.refusal = refusal;
    }

    /** @return the record's host, or null when the exception does not know it */
    public String host() {
        return host;
    }

    /** @return the rule the record broke */
    public Refusal refusal() {
        return refusal;
    }

    /** Skips the stack trace: rejections are routine and their stack says nothing. */
    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
