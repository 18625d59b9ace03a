package dev.vigil.backup.snapshot;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.backup.BackupException;
import dev.vigil.backup.InvalidDataException;
import dev.vigil.backup.RetriableBackupException;
import dev.vigil.backup.backend.FileInfo;
import dev.vigil.backup.backend.FileType;
import dev.vigil.backup.backend.Handle;
import dev.vigil.backup.repository.Repository;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Reads, writes, lists and finds snapshots of a repository. */
public final class SnapshotStore {
    /** Kind name authenticated with snapshot files. */
    public static final String KIND = "snapshot";
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private static final Logger LOG = LoggerFactory.getLogger(SnapshotStore.class);
    private final Repository repo;
    private final List<Damaged> damaged = new ArrayList<>();

    /**
     * A snapshot file that cannot be read.
     *
     * @param id its full id (its file name)
     * @param reason why, naming it
     */
    public record Damaged(String id, String reason) {
    }

    /** @param repo an open repository */
    public SnapshotStore(final Repository repo) {
        this.repo = repo;
    }

    /**
     * @param snapshot a new snapshot (its id is ignored)
     * @return it with its id
     */
    public Snapshot save(final Snapshot snapshot) {
        try {
            final Handle h = repo.saveUnpacked(FileType.SNAPSHOT, KIND, JSON.writeValueAsBytes(snapshot.withId(null)));
            return snapshot.withId(h.name());
        } catch (IOException e) {
            throw new BackupException("cannot encode snapshot: " + e, e);
        }
    }

    /**
     * @param id a full snapshot id
     * @return the snapshot
     */
    public Snapshot load(final String id) {
        return find(id).orElseThrow(() -> new BackupException("snapshot " + new Handle(FileType.SNAPSHOT, id)
                .shortName() + ": not found"));
    }

    /**
     * @param id a full snapshot id, from a listing
     * @return the snapshot, or empty when it is gone: removed since the listing ({@code forget} at the same time), or
     *     listed by a store whose listing lags behind its removes
     * @throws InvalidDataException when it is damaged
     */
    public Optional<Snapshot> find(final String id) {
        final Handle h = new Handle(FileType.SNAPSHOT, id);
        try {
            return Optional.of(JSON.readValue(repo.loadUnpacked(h, KIND), Snapshot.class).withId(id));
        } catch (java.nio.file.NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new RetriableBackupException(h + ": cannot read: " + e, e);
        }
    }

    /**
     * @return every snapshot that can be read, oldest first; a damaged snapshot file is skipped (one bad file must
     *     not stop every backup and restore of the repository) and listed by {@link #damaged()}
     */
    public List<Snapshot> list() {
        final List<Snapshot> out = new ArrayList<>();
        damaged.clear();
        try {
            for (final FileInfo f : repo.backend().list(FileType.SNAPSHOT)) {
                try {
                    find(f.handle().name()).ifPresent(out::add); // one forgotten since the listing is not an error
                } catch (InvalidDataException e) {
                    LOG.warn("{} (skipped; 'vigil repo forget {}' removes it)", e.getMessage(), f.handle().shortName());
                    damaged.add(new Damaged(f.handle().name(), e.getMessage()));
                }
            }
        } catch (IOException e) {
            throw new RetriableBackupException("cannot list snapshots of " + repo.backend().location() + ": " + e, e);
        }
        out.sort(Comparator.comparing(Snapshot::instant).thenComparing(Snapshot::id));
        return out;
    }

    /** @return the snapshot files the last {@link #list()} could not read, with the reason */
    public List<String> damaged() {
        return damaged.stream().map(Damaged::reason).toList();
    }

    /** @return the snapshot files the last {@link #list()} could not read, by id */
    public List<Damaged> damagedFiles() {
        return List.copyOf(damaged);
    }

    /**
     * @param ref a full id or a unique prefix of at least 4 hex digits; one that names no snapshot file but the id a
     *     snapshot {@link Snapshot#replaces} names that snapshot ({@link #replacedNote} says so)
     * @return the full id, without reading the snapshot (which may be damaged) when a file has it
     * @throws BackupException when none or several match
     */
    public String idOf(final String ref) {
        return idOf(ref, null);
    }

    /** {@link #idOf(String)}, naming the dataset's snapshots, when one is given, where none matches. */
    private String idOf(final String ref, final String dataset) {
        if (ref.length() < 4) {
            throw new BackupException("snapshot '" + ref + "': give at least 4 hex digits");
        }
        try {
            final List<FileInfo> matches = repo.backend().list(FileType.SNAPSHOT).stream()
                    .filter(f -> f.handle().name().startsWith(ref)).toList();
            if (matches.isEmpty()) {
                return replacementOf(ref, dataset);
            }
            if (matches.size() > 1) {
                throw new BackupException("snapshot " + ref + ": ambiguous, " + matches.size() + " snapshots match");
            }
            return matches.get(0).handle().name();
        } catch (IOException e) {
            throw new RetriableBackupException("cannot list snapshots: " + e, e);
        }
    }

    /** @return the id of the one snapshot that replaced a snapshot whose id starts with ref */
    private String replacementOf(final String ref, final String dataset) {
        final List<Snapshot> all = list();
        final List<Snapshot> by = all.stream().filter(s -> s.replacedOneNamed(ref)).toList();
        if (by.isEmpty()) {
            throw new BackupException("snapshot " + ref + ": not found" + closest(ref, dataset, all));
        }
        if (by.size() > 1) {
            throw new BackupException("snapshot " + ref + ": ambiguous, " + by.size() + " snapshots replaced ones "
                    + "that match");
        }
        return by.get(0).id();
    }

    /**
     * An id mistyped or cut short, or of a snapshot forgotten since: the message names the few it may have meant, never
     * the whole list, a wall of text in a repository of thousands.
     *
     * @param ref the id or prefix that names no snapshot
     * @param dataset the dataset named with it, or null
     * @param all every snapshot, oldest first
     * @return the snapshots whose ids start as ref does (2 hex digits at least, those that share the most, 3 at
     *     most), else the latest one (of the dataset, when it has any), and the command that lists them all
     */
    static String closest(final String ref, final String dataset, final List<Snapshot> all) {
        final List<Snapshot> ofDataset = dataset == null ? List.of()
                : all.stream().filter(s -> dataset.equals(s.dataset())).toList();
        final List<Snapshot> candidates = ofDataset.isEmpty() ? all : ofDataset;
        final int longest = candidates.stream().mapToInt(s -> shared(ref, s.id())).max().orElse(0);
        final List<Snapshot> near = longest < 2 ? List.of()
                : candidates.stream().filter(s -> shared(ref, s.id()) == longest).toList();
        final String list = "; 'vigil repo snapshots" + (ofDataset.isEmpty() ? "" : " --dataset "
                + FileNames.display(dataset)) + "' lists them";
        if (!near.isEmpty()) {
            final List<String> newest = new ArrayList<>();
            for (int i = near.size() - 1; i >= Math.max(0, near.size() - 3); i--) {
                newest.add(described(near.get(i)));
            }
            return "; the closest: " + String.join(", ", newest)
                    + (near.size() > 3 ? " and " + (near.size() - 3) + " more" : "") + list;
        }
        if (candidates.isEmpty()) {
            return "; the repository holds no snapshot";
        }
        return "; the latest" + (ofDataset.isEmpty() ? "" : " of dataset " + FileNames.display(dataset)) + ": "
                + described(candidates.get(candidates.size() - 1)) + list;
    }

    private static int shared(final String ref, final String id) {
        final int n = Math.min(ref.length(), id.length());
        int i = 0;
        while (i < n && ref.charAt(i) == id.charAt(i)) {
            i++;
        }
        return i;
    }

    private static String described(final Snapshot s) {
        return s.shortId() + " (" + s.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + ", dataset "
                + FileNames.display(s.dataset()) + ")";
    }

    /**
     * @param ref what a person or command named: an id, a prefix, or "latest"
     * @param id the full id {@link #idOf} or {@link #resolve} found for it
     * @return what to tell when it is not the snapshot named but the one that replaced it, or null
     */
    public static String replacedNote(final String ref, final String id) {
        if ("latest".equals(ref) || id.startsWith(ref)) {
            return null;
        }
        return "snapshot " + ref + " was replaced by " + id.substring(0, 8) + " when it was marked protected (the same "
                + "backup; a snapshot's id is its content's hash): using " + id.substring(0, 8);
    }

    /**
     * Marks a snapshot protected: a new snapshot file (a new id) that names the old id as the one it replaces, saved
     * before the old one is removed, so that a crash in between leaves both and never neither.
     *
     * @param s a snapshot of this repository
     * @return it protected; itself when protected already
     */
    public Snapshot protect(final Snapshot s) {
        if (s.protectedSnapshot()) {
            return s;
        }
        final Snapshot copy = save(s.protectedCopy());
        remove(s.id());
        return copy;
    }

    /**
     * The snapshots a restore that names none may take, newest first: those before the time that are not evidence
     * ({@link dev.vigil.schemas.SnapshotTags#EVIDENCE}, data suspected damaged).
     *
     * @param dataset a dataset id
     * @param before only snapshots that started before this time, or null
     * @return them, newest first
     */
    public List<Snapshot> restorable(final String dataset, final Instant before) {
        final List<Snapshot> found = new java.util.ArrayList<>(of(dataset, before)
                .filter(s -> !tagged(s, dev.vigil.schemas.SnapshotTags.EVIDENCE))
                .toList());
        java.util.Collections.reverse(found);
        return found;
    }

    /**
     * @param dataset a dataset id, or null for any
     * @param fullOnly whether only FULL snapshots count
     * @param before only snapshots that started before this time, or null
     * @return the newest matching snapshot
     */
    public Optional<Snapshot> latest(final String dataset, final boolean fullOnly, final Instant before) {
        return latest(of(dataset, before).toList(), fullOnly);
    }

    /**
     * @param dataset a dataset id, or null for any
     * @return its snapshots, oldest first: one listing (each snapshot file read) for several {@link #latest(List,
     *     boolean)}
     */
    public List<Snapshot> history(final String dataset) {
        return of(dataset, null).toList();
    }

    /**
     * @param history snapshots, oldest first ({@link #history})
     * @param fullOnly whether only FULL snapshots count
     * @return the newest of them that counts
     */
    public static Optional<Snapshot> latest(final List<Snapshot> history, final boolean fullOnly) {
        return history.stream().filter(s -> !fullOnly || "FULL".equals(s.level())).reduce((a, b) -> b);
    }

    /** @return the snapshots of the dataset (any for null) that started before the time (any for null), oldest first */
    private java.util.stream.Stream<Snapshot> of(final String dataset, final Instant before) {
        return list().stream()
                .filter(s -> dataset == null || dataset.equals(s.dataset()))
                .filter(s -> before == null || s.instant().isBefore(before));
    }

    /**
     * @param ref a full id, a unique prefix of at least 4 hex digits, or "latest"
     * @param dataset restricts "latest" to a dataset, or null
     * @return the snapshot
     * @throws BackupException when none or several match
     */
    public Snapshot resolve(final String ref, final String dataset) {
        return resolve(ref, dataset, null);
    }

    /**
     * @param ref a full id, a unique prefix of at least 4 hex digits, or "latest"
     * @param dataset restricts "latest" to a dataset, or null
     * @param tag restricts "latest" to snapshots with this tag, or null
     * @return the snapshot
     * @throws BackupException when none or several match
     */
    public Snapshot resolve(final String ref, final String dataset, final String tag) {
        if ("latest".equals(ref)) {
            final Optional<Snapshot> newest = of(dataset, null).filter(s -> tag == null || tagged(s, tag))
                    .reduce((a, b) -> b);
            if (!damaged.isEmpty()) {
                // its time is inside the damaged file: the newest may be the one that cannot be read (restic fails too)
                throw new BackupException(damaged.size() + " snapshot file(s) cannot be read (" + damaged.get(0)
                        .reason() + "), so which is the latest is not known; name a snapshot id ('vigil repo "
                        + "snapshots' lists those that can be read), or remove the damaged ones with 'vigil repo "
                        + "forget ID'");
            }
            return newest.orElseThrow(() -> new BackupException("no snapshot"
                    + (dataset == null ? "" : " of dataset " + dataset) + (tag == null ? "" : " tagged " + tag) + " in "
                    + repo.backend().location()));
        }
        return load(idOf(ref, dataset));
    }

    /**
     * @param s a snapshot
     * @param tag a tag
     * @return whether the snapshot carries it
     */
    public static boolean tagged(final Snapshot s, final String tag) {
        return s.tags() != null && s.tags().contains(tag);
    }

    /**
     * @param id a snapshot id
     */
    public void remove(final String id) {
        try {
            repo.backend().remove(new Handle(FileType.SNAPSHOT, id));
        } catch (IOException e) {
            throw new RetriableBackupException("snapshot " + id + ": cannot remove: " + e, e);
        }
    }
}
