package dev.vigil.decision.tree;

import dev.vigil.schemas.Action;

/** What the model decides: nothing, or one backup level, or a restore test. Class index = ordinal. */
public enum Label {
    /** No action. */
    NONE,
    /** Snapshot with the latest snapshot as parent. */
    INCREMENTAL,
    /** Snapshot with the latest FULL as parent. */
    DIFFERENTIAL,
    /** Snapshot without parent. */
    FULL,
    /** Restore test of the latest snapshot. */
    VERIFY;

    /** @return the command action, or null for NONE */
    public Action action() {
        return this == NONE ? null : Action.valueOf(name());
    }

    /**
     * @param action a command action, or null
     * @return its label; NONE for null and for actions the model does not decide
     */
    public static Label of(final Action action) {
        if (action == null) {
            return NONE;
        }
        return switch (action) {
            case INCREMENTAL -> INCREMENTAL;
            case DIFFERENTIAL -> DIFFERENTIAL;
            case FULL -> FULL;
            case VERIFY -> VERIFY;
            default -> NONE;
        };
    }
}
