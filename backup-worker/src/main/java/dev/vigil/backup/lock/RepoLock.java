package dev.vigil.backup.lock;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.backup.BackupException;
import dev.vigil.backup.InvalidDataException;
import dev.vigil.backup.RepositoryLockedException;
import dev.vigil.backup.RetriableBackupException;
import dev.vigil.backup.backend.FileInfo;
import dev.vigil.backup.backend.FileType;
import dev.vigil.backup.backend.Handle;
import dev.vigil.backup.repository.HostInfo;
import dev.vigil.backup.repository.Repository;
import dev.vigil.schemas.IoErrors;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A repository lock (restic's {@code lock.go}): backup, restore, check and copy hold a shared one,
 * prune and forget an exclusive one. A lock is a small encrypted file; after writing it the holder
 * lists the locks again, so two processes racing for conflicting locks both notice and at least
 * one backs off. Holders refresh their lock every 5 minutes; a lock not refreshed for 30 minutes,
 * or held by a process of this host that is gone, is stale and removed.
 */
public final class RepoLock implements AutoCloseable {
    /** Kind name authenticated with lock files. */
    public static final String KIND = "lock";
    /** Age after which an unrefreshed lock is stale. */
    public static final Duration STALE = Duration.ofMinutes(30);
    /** Whether no other live lock was seen when this one was taken. */
    private boolean alone;
    private static final Duration REFRESH = Duration.ofMinutes(5);
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Repository repo;
    private final Clock clock;
    private final boolean exclusive;
    private final ScheduledExecutorService refresher;
    private volatile Handle handle;
    /** Removes the lock when the JVM is stopped (Ctrl-C, SIGTERM): others need not wait for it to go stale. */
    private final Thread onExit = new Thread(this::release, "vigil-lock-release");

    /**
     * What a lock file holds.
     *
     * @param time when it was written or last refreshed, ISO-8601
     * @param host the holder's host
     * @param pid the holder's process id
     * @param username the holder's user
     * @param exclusive whether no other lock may exist
     */
    public record Info(String time, String host, long pid, String username, boolean exclusive, String machine) {
    }

    private RepoLock(final Repository repo, final Clock clock, final boolean exclusive) {
        this.repo = repo;
        this.clock = clock;
        this.exclusive = exclusive;
        this.refresher = Executors.newSingleThreadScheduledExecutor(r -> {
            final Thread t = new Thread(r, "vigil-lock-refresh");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * @param repo an open repository
     * @param exclusive whether to exclude every other lock
     * @param clock the time source
     * @return the held lock; close it to release
     * @throws RepositoryLockedException naming the holder of a conflicting lock
     */
    public static RepoLock acquire(final Repository repo, final boolean exclusive, final Clock clock) {
        final RepoLock lock = new RepoLock(repo, clock, exclusive);
        lock.checkConflicts(null);
        try {
            lock.handle = lock.write();
        } catch (BackupException e) {
            // a read-only mount or a repository of another user: reading it needs no lock
            if (exclusive || !(e.getCause() instanceof IOException io && IoErrors.isPermanent(io))) {
                throw e;
            }
            throw new BackupException(e.getMessage() + "; restore, check and copy's source can read the repository "
                    + "without a lock: add --no-lock", e);
        }
        try {
            lock.checkConflicts(lock.handle);
            repo.reloadIndexIfChanged();
        } catch (IOException e) {
            lock.close();
            throw new RetriableBackupException(repo.backend().location() + ": cannot read the index: " + e, e);
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
        lock.refresher.scheduleAtFixedRate(lock::refresh, REFRESH.toSeconds(), REFRESH.toSeconds(), TimeUnit.SECONDS);
        Runtime.getRuntime().addShutdownHook(lock.onExit);
        return lock;
    }

    private Handle write() {
        final Info info = new Info(clock.instant().toString(), HostInfo.hostName(), ProcessHandle.current().pid(),
                HostInfo.userName(), exclusive, HostInfo.machine());
        try {
            return repo.saveUnpacked(FileType.LOCK, KIND, JSON.writeValueAsBytes(info));
        } catch (IOException e) {
            throw new BackupException("cannot encode lock: " + e, e);
        }
    }

    private synchronized void refresh() {
        final Handle old = handle;
        if (old == null) {
            return; // released
        }
        try {
            handle = write();
            repo.backend().remove(old);
        } catch (IOException | RuntimeException e) {
            // The next refresh tries again; the lock stays valid for 30 minutes.
        }
    }

    private void checkConflicts(final Handle mine) {
        boolean others = false;
        for (final Held other : list(repo, clock)) {
            if (other.handle().equals(mine)) {
                continue;
            }
            if (other.stale()) {
                removeQuietly(other.handle());
                continue;
            }
            others = true;
            if (exclusive || other.info().exclusive()) {
                throw new RepositoryLockedException(repo.backend().location() + ": locked "
                        + (other.info().exclusive() ? "exclusively " : "") + "by pid " + other.info().pid() + " on "
                        + other.info().host() + " (" + other.info().username() + ") since " + other.info().time()
                        + (other.info().machine() != null && other.info().machine().equals(HostInfo.machine())
                        ? "; if that process is gone, 'vigil repo unlock' removes the lock"
                        : "; a lock of another host goes stale 30 minutes after its last refresh; if that process is "
                        + "surely gone, 'vigil repo unlock --remove-all' removes it now"));
            }
        }
        alone = !others;
    }

    /**
     * @return whether no other live lock was in the repository when this one was taken: no other Vigil process used
     *     it then, so what a run of one left (a restore's temporary files) belongs to a run that is gone
     */
    public boolean alone() {
        return alone;
    }

    private void removeQuietly(final Handle h) {
        try {
            repo.backend().remove(h);
        } catch (IOException e) {
            // Someone else may remove it too; it is stale either way.
        }
    }

    /**
     * A lock found in the repository.
     *
     * @param handle its file
     * @param info what it says
     * @param stale whether it may be removed
     */
    public record Held(Handle handle, Info info, boolean stale) {
    }

    /**
     * @param repo an open repository
     * @param clock the time source
     * @return every lock in it; damaged lock files count as stale
     * @throws RetriableBackupException when the locks cannot be listed, or one cannot be read (it may be live)
     */
    public static List<Held> list(final Repository repo, final Clock clock) {
        final List<Held> out = new ArrayList<>();
        try {
            for (final FileInfo f : repo.backend().list(FileType.LOCK)) {
                try {
                    final Info info = JSON.readValue(repo.loadUnpacked(f.handle(), KIND), Info.class);
                    out.add(new Held(f.handle(), info, isStale(info, clock)));
                } catch (java.nio.file.NoSuchFileException e) {
                    // Released while listing.
                } catch (InvalidDataException e) {
                    out.add(new Held(f.handle(), new Info("", "?", -1, "?", false, null), true));
                } catch (IOException e) {
                    // a lock that could not be read now may be live: taking it for stale would remove it
                    throw new RetriableBackupException(f.handle() + ": cannot read: " + e, e);
                }
            }
        } catch (IOException e) {
            throw new RetriableBackupException("cannot list locks: " + e, e);
        }
        return out;
    }

    private static boolean isStale(final Info info, final Clock clock) {
        if (Instant.parse(info.time()).plus(STALE).isBefore(clock.instant())) {
            return true;
        }
        // a process id proves something only in this kernel boot and process-id namespace: host names repeat
        return info.machine() != null && info.machine().equals(HostInfo.machine())
                && info.pid() != ProcessHandle.current().pid()
                && ProcessHandle.of(info.pid()).map(p -> !p.isAlive()).orElse(true);
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(onExit);
        } catch (IllegalStateException | IllegalArgumentException e) {
            // the JVM is stopping (the hook releases it), or the hook was never added (acquire failed)
        }
        release();
    }

    private synchronized void release() {
        refresher.shutdownNow();
        final Handle h = handle;
        handle = null;
        if (h != null) {
            removeQuietly(h);
        }
    }
}
