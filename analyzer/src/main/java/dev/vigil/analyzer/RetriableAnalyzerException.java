package dev.vigil.analyzer;

/** A failure that may pass when tried again (the cluster not reachable yet, a rebalance). */
public class RetriableAnalyzerException extends AnalyzerException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what failed and on which object
     * @param cause the underlying failure
     */
    public RetriableAnalyzerException(final String message, final Throwable cause) {
        super(message, cause);
    }
}
