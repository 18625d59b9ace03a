package dev.vigil.analyzer;

/** The analyzer's root exception: something the analyzer could not do, naming what it concerns. */
public class AnalyzerException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message what failed and on which object */
    public AnalyzerException(final String message) {
        super(message);
    }

    /**
     * @param message what failed and on which object
     * @param cause the underlying failure
     */
    public AnalyzerException(final String message, final Throwable cause) {
        super(message, cause);
    }
}
