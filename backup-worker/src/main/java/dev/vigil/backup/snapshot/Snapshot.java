package dev.vigil.backup.snapshot;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/**
 * One backup of one dataset (FORMAT.md, Snapshots). Stored as encrypted JSON; its id is its file's
 * id, set when read ({@link #withId}).
 *
 * @param id file id, hex; null before it is saved
 * @param time when the backup started, ISO-8601
 * @param coveredFrom the moment from which a later change journal must cover changes for this
 *     snapshot to serve as its parent: the start time of a scanning backup, the end of the last
 *     journal interval used by a journal backup; ISO-8601
 * @param host the host that took it
 * @param username who took it
 * @param dataset dataset id
 * @param path absolute source path
 * @param tree root tree blob id, hex
 * @param level FULL, INCREMENTAL or DIFFERENTIAL
 * @param parent parent snapshot id, or null
 * @param tags free tags
 * @param protectedSnapshot never forgotten by retention
 * @param commandId the worker command that made it, or null
 * @param original its id in the repository it was copied from, or null
 * @param journal how the change journal was used
 * @param warnings files skipped or torn, for people
 * @param figures what the backup did
 * @param root the dataset directory's own mode, owner, mtime and file system
 * @param excludes the patterns of paths it left out, or null for none
 * @param excludeIfPresent the markers of directories it left out ({@code NAME} or {@code NAME:HEADER}), or null for
 *     none
 * @param replaces the id of the snapshot file in this repository that this one replaced: the same backup saved again
 *     when it was marked protected (its content changed, so its id did); null for a snapshot saved as taken or copied.
 *     An id or prefix that names no file any more resolves to the snapshot that replaced it
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Snapshot(String id, String time, String coveredFrom, String host, String username, String dataset,
                       String path, String tree, String level, String parent, List<String> tags,
                       boolean protectedSnapshot, String commandId, String original, JournalUse journal,
                       List<String> warnings, SnapshotFigures figures, Root root, List<String> excludes,
                       List<String> excludeIfPresent, String replaces) {

    /** A snapshot that replaces none: as a backup saves it. */
    public Snapshot(final String id, final String time, final String coveredFrom, final String host,
                    final String username, final String dataset, final String path, final String tree,
                    final String level, final String parent, final List<String> tags,
                    final boolean protectedSnapshot, final String commandId, final String original,
                    final JournalUse journal, final List<String> warnings, final SnapshotFigures figures,
                    final Root root, final List<String> excludes, final List<String> excludeIfPresent) {
        this(id, time, coveredFrom, host, username, dataset, path, tree, level, parent, tags, protectedSnapshot,
                commandId, original, journal, warnings, figures, root, excludes, excludeIfPresent, null);
    }

    /**
     * @param fileId the file id it was read from
     * @return this snapshot with its id
     */
    public Snapshot withId(final String fileId) {
        return new Snapshot(fileId, time, coveredFrom, host, username, dataset, path, tree, level, parent, tags,
                protectedSnapshot, commandId, original, journal, warnings, figures, root, excludes, excludeIfPresent,
                replaces);
    }

    /**
     * @return this snapshot marked protected, to be saved as a new file (a snapshot file is never rewritten: its id is
     *     its content's hash) that names this one's id as the one it replaces; null id
     */
    public Snapshot protectedCopy() {
        return new Snapshot(null, time, coveredFrom, host, username, dataset, path, tree, level, parent, tags,
                true, commandId, original, journal, warnings, figures, root, excludes, excludeIfPresent, id);
    }

    /**
     * @param originalId the id in the source repository
     * @param newTree the root tree id in the target repository
     * @return a copy of this snapshot for another repository
     */
    public Snapshot copiedAs(final String originalId, final String newTree) {
        return new Snapshot(null, time, coveredFrom, host, username, dataset, path, newTree, level, null, tags,
                protectedSnapshot, commandId, originalId, journal, warnings, figures, root, excludes, excludeIfPresent,
                null); // an id of the source repository names nothing in the target
    }

    /**
     * The dataset directory itself.
     *
     * @param mode permission bits
     * @param uid owner
     * @param gid group
     * @param mtimeNanos modification time, ns since the epoch
     * @param device the device number of its file system (st_dev), or null in snapshots of builds before it was
     *     recorded: a later backup on another device is of another file system (a mount point left empty)
     * @param xattrs its extended attributes (a shared directory's default ACL), empty when it has none, null in
     *     snapshots of builds before they were recorded (a restore over the directory then keeps its own): the
     *     directory is no entry of a tree, which holds the others'
     */
    public record Root(int mode, int uid, int gid, long mtimeNanos, Long device, List<Xattr> xattrs) {
    }

    /** @return the start time */
    @JsonIgnore
    public Instant instant() {
        return Instant.parse(time);
    }

    /**
     * An id noted before a snapshot was marked protected (a ticket, the engine's history) still names it: the protected
     * copy is the same backup under a new id, and records the old one.
     *
     * @param ref an id or a prefix of one
     * @return whether this snapshot replaced one whose id starts with ref
     */
    public boolean replacedOneNamed(final String ref) {
        return replaces != null && replaces.startsWith(ref);
    }

    /** @return the first 8 hex digits of the id */
    @JsonIgnore
    public String shortId() {
        return id == null ? "" : id.substring(0, Math.min(8, id.length()));
    }

    /**
     * How a backup used a change journal.
     *
     * @param used whether the journal replaced the full scan
     * @param reason why it could not be used, or how many paths it named
     * @param coveredUntil end of the last interval used, ISO-8601, or null
     */
    public record JournalUse(boolean used, String reason, String coveredUntil) {
    }

    /**
     * What one backup did (the Avro {@code Figures} of the result, by the same names).
     *
     * @param filesNew files not in the parent
     * @param filesChanged files in the parent whose content or metadata changed
     * @param filesUnchanged files reused from the parent without reading
     * @param filesRemoved files of the parent that are gone
     * @param filesTorn files that kept changing while read
     * @param bytesRead bytes read from the source
     * @param bytesAdded bytes added to the repository
     * @param bytesTotal size of all regular files in the snapshot
     * @param durationMs wall time in ms
     */
    public record SnapshotFigures(long filesNew, long filesChanged, long filesUnchanged, long filesRemoved,
                                  long filesTorn, long bytesRead, long bytesAdded, long bytesTotal,
                                  long durationMs) {
    }
}
