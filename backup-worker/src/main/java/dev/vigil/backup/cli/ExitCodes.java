package dev.vigil.backup.cli;

/** Exit codes of {@code vigil repo}, as restic's, so scripts written for one read the other. */
public final class ExitCodes {
    /** Success. */
    public static final int OK = 0;
    /** The operation failed. */
    public static final int FAILED = 1;
    /** Bad usage. */
    public static final int USAGE = 2;
    /** Backup: the snapshot was written, but some files could not be read or kept changing. */
    public static final int INCOMPLETE = 3;
    /** There is no repository at the given location. */
    public static final int NO_REPOSITORY = 10;
    /** The repository is locked by another process. */
    public static final int LOCKED = 11;
    /** The password opens no key of the repository. */
    public static final int WRONG_PASSWORD = 12;
    /** Help text listing them. */
    public static final String HELP = "Exit codes: 0 ok, 1 failed, 2 bad usage, 3 backup incomplete (some files "
            + "unreadable or changing), 10 no repository, 11 repository locked, 12 wrong password, 130 or 143 stopped "
            + "by Ctrl-C or SIGTERM (the repository stays valid).";

    private ExitCodes() {
    }
}
