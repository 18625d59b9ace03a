package dev.vigil.backup;

/** Stored bytes do not authenticate or do not match their id: corruption or tampering. */
public class InvalidDataException extends BackupException {
    private static final long serialVersionUID = 1L;

    /** @param message what is invalid, naming the file or blob */
    public InvalidDataException(final String message) {
        super(message);
    }
}
