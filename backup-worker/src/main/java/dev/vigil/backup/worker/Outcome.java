package dev.vigil.backup.worker;

import dev.vigil.schemas.Action;
import dev.vigil.schemas.CommandStatus;
import dev.vigil.schemas.Figures;

/**
 * What executing a command came to, before it becomes a {@code BackupResult}.
 *
 * @param status SUCCEEDED, FAILED or REJECTED
 * @param snapshotId the snapshot made or used, or null
 * @param level the level a backup was taken at, or null
 * @param parentSnapshotId a backup's parent, or null
 * @param figures a backup's figures, or null
 * @param message for people: what happened or what to do
 * @param retriable for FAILED: whether trying again may help
 * @param protectedSnapshotId a backup's last snapshot before it lost most of the files or bytes, protected now; or null
 */
public record Outcome(CommandStatus status, String snapshotId, Action level, String parentSnapshotId, Figures figures,
                      String message, boolean retriable, String protectedSnapshotId) {
    /**
     * @param why the reason
     * @return a refusal
     */
    public static Outcome rejected(final String why) {
        return new Outcome(CommandStatus.REJECTED, null, null, null, null, why, false, null);
    }

    /**
     * @param why what went wrong and what to do
     * @param retriable whether trying again may help
     * @return a failure
     */
    public static Outcome failed(final String why, final boolean retriable) {
        return new Outcome(CommandStatus.FAILED, null, null, null, null, why, retriable, null);
    }

    /**
     * @param snapshot snapshot concerned, or null
     * @param message what happened
     * @return a success without backup figures
     */
    public static Outcome succeeded(final String snapshot, final String message) {
        return new Outcome(CommandStatus.SUCCEEDED, snapshot, null, null, null, message, false, null);
    }
}
