package dev.vigil.decision.engine;

/**
 * An input the engine refuses to act on (impossible figures, paths outside the dataset): it goes to the dead-letter
 * topic with this message as the reason, and processing goes on. Thrown before the input changes any state.
 */
public final class InvalidInputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param reason what is wrong with the input, for the dead-letter record */
    public InvalidInputException(final String reason) {
        super(reason);
    }
}
