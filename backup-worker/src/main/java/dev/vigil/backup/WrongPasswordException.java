package dev.vigil.backup;

/** No key file of the repository opens with the given password (CLI exit code 12). */
public class WrongPasswordException extends BackupException {
    private static final long serialVersionUID = 1L;

    /** @param message which repository */
    public WrongPasswordException(final String message) {
        super(message);
    }
}
