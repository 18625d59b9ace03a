package dev.vigil.decision;

/** Root of the decision engine's exceptions; the message names the object concerned (rule, dataset, file). */
public class DecisionException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message what went wrong and with what */
    public DecisionException(final String message) {
        super(message);
    }

    /**
     * @param message what went wrong and with what
     * @param cause the underlying failure
     */
    public DecisionException(final String message, final Throwable cause) {
        super(message, cause);
    }

    /** A failure that may pass when tried again (a broker not reachable yet, a topic not created yet). */
    public static class Retriable extends DecisionException {
        private static final long serialVersionUID = 1L;

        /**
         * @param message what went wrong and with what
         * @param cause the underlying failure, may be null
         */
        public Retriable(final String message, final Throwable cause) {
            super(message, cause);
        }
    }
}
