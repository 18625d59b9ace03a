package dev.vigil.analyzer.nab;

/** A NAB corpus, windows or results file that cannot be used; the message names the file (and line). */
public class NabException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message what is wrong, naming the file */
    public NabException(final String message) {
        super(message);
    }

    /**
     * @param message what is wrong, naming the file
     * @param cause the underlying error
     */
    public NabException(final String message, final Throwable cause) {
        super(message, cause);
    }
}
