package dev.vigil.decision.command;

import dev.vigil.decision.state.Intent;
import dev.vigil.schemas.Action;
import dev.vigil.schemas.BackupCommand;
import dev.vigil.schemas.DatasetSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Builds the command a worker executes from an intent that passed the guardrails. */
public final class CommandFactory {
    private CommandFactory() {
    }

    /**
     * The target of a RESTORE as the worker gets it and the operator reads it: normalized, and null (the original
     * location, restored with overwrite) when it is the dataset's own path however spelt ({@code /srv/d1/../d1}), which
     * the guardrails already judged it to be.
     *
     * @param intent a RESTORE
     * @param spec its dataset
     * @return the target directory, or null for the dataset's own path
     */
    public static String target(final Intent intent, final DatasetSpec spec) {
        if (intent.target() == null) {
            return null;
        }
        try {
            final java.nio.file.Path target = java.nio.file.Path.of(intent.target()).normalize();
            return target.equals(java.nio.file.Path.of(spec.getPath()).normalize()) ? null : target.toString();
        } catch (java.nio.file.InvalidPathException e) {
            return intent.target(); // the worker's target guard refuses what is not a path
        }
    }

    /**
     * @param id the command id
     * @param decisionId the audit record that explains it
     * @param intent what to do
     * @param spec the dataset
     * @param now issue time
     * @param ttl the worker refuses the command after now + ttl
     * @return the command; a RESTORE onto the original location has {@code overwrite} set, a FORGET carries the
     *     dataset's retention
     */
    public static BackupCommand build(final String id, final String decisionId, final Intent intent,
                                      final DatasetSpec spec, final Instant now, final Duration ttl) {
        final List<String> tags = new ArrayList<>();
        tags.add("source:" + intent.source().name().toLowerCase(java.util.Locale.ROOT));
        if (intent.rule() != null) {
            tags.add("rule:" + intent.rule());
        }
        if (intent.evidence()) {
            tags.add(dev.vigil.schemas.SnapshotTags.EVIDENCE);
        }
        final boolean restore = intent.action() == Action.RESTORE;
        final String target = restore ? target(intent, spec) : intent.target();
        return BackupCommand.newBuilder()
                .setId(id)
                .setHost(spec.getHost())
                .setTime(now)
                .setDataset(spec.getId())
                .setAction(intent.action())
                .setDecisionId(decisionId)
                .setReason(intent.reason())
                .setSnapshot(intent.snapshot())
                .setBeforeTime(intent.beforeTime() == null ? null : Instant.ofEpochMilli(intent.beforeTime()))
                .setPaths(intent.paths())
                .setTarget(target)
                .setTargetRepository(intent.action() == Action.MIGRATE ? intent.targetRepository() : null)
                .setOverwrite(restore && target == null)
                // chosen deleted paths: a file put back since (and edited) is kept, never overwritten; the paths a
                // ransomware-like rewrite encrypted in place are there, and must be overwritten to be restored
                .setMissingOnly(restore && !intent.paths().isEmpty() && !intent.replacePaths())
                .setProtect(intent.protect())
                .setTags(tags)
                .setRetention(intent.action() == Action.FORGET ? spec.getRetention() : null)
                .setExpiresAt(now.plus(ttl))
                .build();
    }
}
