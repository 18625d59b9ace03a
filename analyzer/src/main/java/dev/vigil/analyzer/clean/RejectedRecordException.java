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

    /** @param reason why, naming the record (e.g. "metric web-1/system.cpu.utilization: value NaN") */
    public RejectedRecordException(final String reason) {
        super(reason);
    }

    /** Skips the stack trace: rejections are routine and their stack says nothing. */
    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
