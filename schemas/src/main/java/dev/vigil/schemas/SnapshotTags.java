package dev.vigil.schemas;

/** Tags with a meaning, that the decision engine puts on backup commands and the worker on their snapshots. */
public final class SnapshotTags {
    /**
     * The snapshot holds data suspected damaged (taken during a ransomware-like rewrite): kept as evidence, protected
     * from retention, and never the source of a RESTORE that names no snapshot (a later restore would bring the
     * damage back).
     */
    public static final String EVIDENCE = "evidence";

    private SnapshotTags() {
    }
}
