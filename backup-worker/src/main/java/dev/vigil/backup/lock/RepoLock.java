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
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A repository lock (restic's {@code lock.go}): backup, restore, check and copy hold a shared one,
 * prune and forget an exclusive one. A lock is a small encrypted file; after writing it the holder
 * lists the locks again, so two processes racing for conflicting locks both notice and at least
 * one backs off. Holders refresh their lock every 5 minutes; a lock not refreshed for 30 minutes,
 * or held by a process of this host that is gone, is stale and removed.
 *
 * <p>A holder can lose its lock without noticing it: paused longer than {@link #STALE} (SIGSTOP, a suspended
 * machine), or seen from a host whose clock runs 30 minutes ahead, its lock is removed as stale, and a prune may then
 * delete the packs it has not indexed yet. So, as restic 0.16 does, the lock is marked lost when its file is gone or
 * its last refresh is older than {@link #STALE}, and the repository refuses to write index files and snapshots under
 * a lost lock ({@link #checkHeld}): the run fails as retriable instead of naming deleted packs.
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
    /** Size of the lock file this holder wrote last: a file of that name and size is this holder's. */
    private volatile long size;
    /** The time written in the lock file by its last successful write: others judge it stale from there. */
    private volatile Instant refreshed;
    /** Why the lock is lost, or null while it is held. */
    private volatile String lost;
    /** What the repository calls before writing an index file or a snapshot. */
    private final java.util.function.Consumer<String> guard = this::checkHeld;
    /**
     * Removes the lock when the JVM is stopped (Ctrl-C, SIGTERM): others need not wait for it to go stale. Released
     * last ({@link StopOrder}), once the work stopped and indexed what it wrote; null until acquired.
     */
    private volatile StopOrder.Registration onExit;

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
        return acquire(repo, exclusive, clock, null);
    }

    /** @param stop the stop that releases it (tests), or null for this process's ({@link StopOrder#onStop}) */
    static RepoLock acquire(final Repository repo, final boolean exclusive, final Clock clock, final StopOrder stop) {
        final RepoLock lock = new RepoLock(repo, clock, exclusive);
        lock.checkConflicts(null);
        try {
            lock.handle = lock.write();
        } catch (BackupException e) {
            // a read-only mount or a repository of another user: reading it needs no lock
            if (exclusive || !(e.getCause() instanceof IOException io && IoErrors.isPermanent(io))) {
                throw e;
            }
            // backup takes a shared lock too, and has no --no-lock: it was told to add one
            throw new BackupException(e.getMessage() + "; restore, check and copy's source can read the repository "
                    + "without a lock: add --no-lock to them (a backup needs the repository writable)", e);
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
        // a stop keeps the guard: a command still running once the lock is gone (the worker's, which its own close
        // gives a minute) writes no index file or snapshot that could name packs a prune deleted since
        lock.onExit = stop == null ? StopOrder.onStop(StopOrder.Step.RELEASE_LOCKS, lock::releaseOnStop)
                : stop.register(StopOrder.Step.RELEASE_LOCKS, lock::releaseOnStop);
        repo.guardWrites(lock.guard);
        return lock;
    }

    private Handle write() {
        final Instant now = clock.instant();
        final Info info = new Info(now.toString(), HostInfo.hostName(), ProcessHandle.current().pid(),
                HostInfo.userName(), exclusive, HostInfo.machine());
        final byte[] plain;
        try {
            plain = JSON.writeValueAsBytes(info);
        } catch (IOException e) {
            throw new BackupException("cannot encode lock: " + e, e);
        }
        final byte[] sealed = repo.envelope().seal(KIND, plain, true);
        final Handle h = new Handle(FileType.LOCK, Repository.fileId(sealed));
        try {
            repo.backend().save(h, sealed);
        } catch (IOException e) {
            throw BackupException.ofWrite(h.toString(), e);
        }
        size = sealed.length;
        refreshed = now;
        return h;
    }

    private synchronized void refresh() {
        final Handle old = handle;
        if (old == null || lost != null) {
            return; // released, or lost: writing it again would hide that another process took it for stale
        }
        try {
            if (stillHeld(old)) {
                handle = write();
                repo.backend().remove(old);
            }
        } catch (IOException | RuntimeException e) {
            // The next refresh tries again; the lock stays valid for 30 minutes after the last one that worked.
            overdue(e.toString());
        }
    }

    /**
     * Fails unless this lock is still held: its file is where it was written and its last refresh is younger than
     * {@link #STALE}. The repository calls it before writing an index file or a snapshot, since another process
     * that took the lock for stale may have pruned the packs they would name.
     *
     * @param what what is about to be written, for the message
     * @throws RetriableBackupException when the lock is lost; running the command again takes a new one
     */
    public synchronized void checkHeld(final String what) {
        final Handle h = handle;
        if (lost == null && h != null) {
            try {
                stillHeld(h);
            } catch (IOException e) {
                // the store cannot tell now; the age of the last refresh still can
                overdue(e.toString());
            }
        }
        if (lost == null && h == null) {
            lost = "released";
        }
        if (lost != null) {
            throw new RetriableBackupException(repo.backend().location() + ": lock " + (h == null ? "" : h.shortName()
                    + " ") + "lost (" + lost + "): another process may have taken it for stale and removed data "
                    + "this run wrote, so " + what + " was not written; run the command again", null);
        }
    }

    /**
     * @return whether the lock file is there, unchanged, and refreshed recently enough; marks the lock lost if not
     */
    private boolean stillHeld(final Handle h) throws IOException {
        final Optional<FileInfo> now = repo.backend().stat(h);
        if (now.isEmpty() || now.get().size() != size) {
            lost = "its file " + h + " was removed" + (now.isEmpty() ? "" : " and replaced");
            return false;
        }
        return !overdue("the store could not be asked");
    }

    /** Marks the lock lost when its last refresh is older than {@link #STALE}: others may remove it now. */
    private boolean overdue(final String why) {
        final Instant last = refreshed;
        final Instant now = clock.instant();
        if (last != null && Duration.between(last, now).compareTo(STALE) > 0) {
            lost = "last refreshed at " + last + ", more than " + STALE.toMinutes() + " minutes before " + now
                    + " (process paused, or " + why + ")";
            return true;
        }
        return false;
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
                        : "; a lock of another host goes stale 30 minutes after its last refresh" + ahead(other.info())
                        + "; if that process is surely gone, 'vigil repo unlock --remove-all' removes it now"));
            }
        }
        alone = !others;
    }

    /**
     * A lock's time comes from its writer's clock: one that ran ahead (a host booted with a wrong clock, put right
     * since) dated it in the future, and such a lock goes stale only 30 minutes after that, however long its process
     * has been gone. Said, since "30 minutes after its last refresh" would send an operator to wait for days.
     */
    private String ahead(final Info info) {
        final Duration ahead = Duration.between(clock.instant(), Instant.parse(info.time()));
        if (ahead.compareTo(REFRESH) <= 0) {
            return "";
        }
        return ", but its time is " + (ahead.toHours() >= 2 ? ahead.toHours() + " hours" : ahead.toMinutes()
                + " minutes") + " ahead of this host's clock (the clock of "
                + info.host() + " ran ahead, or this one's is behind), so it goes stale only 30 minutes after "
                + info.time();
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
        final StopOrder.Registration exit = onExit;
        if (exit != null) {
            exit.close();
        }
        release();
    }

    private void release() {
        release(true);
    }

    /** Releases the lock and leaves its guard: from now on index files and snapshots are refused as "released". */
    private void releaseOnStop() {
        release(false);
    }

    private synchronized void release(final boolean unguard) {
        refresher.shutdownNow();
        if (unguard) {
            repo.unguardWrites(guard);
        }
        final Handle h = handle;
        handle = null;
        if (h != null) {
            removeQuietly(h);
        }
    }
}
