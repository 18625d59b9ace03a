package dev.vigil.collector;

/** Root of the collector's own failures; the message names the file, dataset or record concerned. */
public class CollectorException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message what failed and on which object */
    public CollectorException(final String message) {
        super(message);
    }

    /**
     * @param message what failed and on which object
     * @param cause the underlying failure
     */
    public CollectorException(final String message, final Throwable cause) {
        super(message, cause);
    }

    /** A failure that may pass by itself (Kafka away, a file briefly locked): the agent retries it. */
    public static class Retriable extends CollectorException {
        private static final long serialVersionUID = 1L;

        /**
         * @param message what failed
         * @param cause the underlying failure
         */
        public Retriable(final String message, final Throwable cause) {
            super(message, cause);
        }
    }
}
