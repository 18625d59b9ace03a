package dev.vigil.backup.app;

import dev.vigil.schemas.security.CommandSignature;
import dev.vigil.schemas.security.FileModes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The public keys a worker obeys: those of the files {@value WorkerConfig#PUBLIC_KEY_CONFIG} lists, read again
 * whenever one of them changes, so that the engine's key is added, replaced or revoked on every host without
 * restarting a worker (README, "Rotating the signing key"). The list itself is read once, at start.
 *
 * <p>A file is checked by its stamp (inode, size, modification and status change times, mode) at each command and
 * every {@link #CHECK_EVERY} besides, so that a change is logged soon after it is made. At start every file must pass
 * ({@link #read}). Later the keys in force are what the files give now, each file on its own: a file that no longer
 * passes gives no key, with an ERROR, and the others keep theirs. This fails closed: deleting (or spoiling) the file of
 * a leaked key revokes it, where keeping the previous keys would have kept the thief's. When no file gives a key the
 * worker obeys no command ({@link #noKeyReason()}) until one does.
 */
public final class TrustedKeys implements AutoCloseable {
    /** The content of a listed file that holds no key: a slot for the next key, or where a revoked key was. */
    public static final String NO_KEY = "none";
    /** How often the files are checked between commands. */
    static final Duration CHECK_EVERY = Duration.ofSeconds(2);
    private static final Logger LOG = LoggerFactory.getLogger(TrustedKeys.class);

    private final String host;
    private final List<String> names;
    private volatile Map<String, PublicKey> keys;
    /**
     * Why no command is obeyed, set when {@link #keys} becomes empty and kept after (a caller that saw no key may ask
     * after a file was fixed).
     */
    private volatile String noKey;
    /** Each file's stamp when the files were last read (guarded by this). */
    private List<String> stamps;
    /** Whether a file was refused at that read (guarded by this). */
    private boolean refused;
    private ScheduledExecutorService watch;

    /**
     * Reads the files, as a start does.
     *
     * @param config the worker's settings
     * @throws ConfigException naming each file that cannot be trusted
     */
    TrustedKeys(final WorkerConfig config) {
        this.host = config.hostName();
        this.names = config.getList(WorkerConfig.PUBLIC_KEY_CONFIG);
        // stamped before they are read: a change made while they are read is read again at the next check
        this.stamps = stamps();
        this.keys = read(names);
    }

    /** Checks the files every {@link #CHECK_EVERY} too, until {@link #close()}. */
    void watch() {
        watch = Executors.newSingleThreadScheduledExecutor(r -> {
            final Thread t = new Thread(r, "vigil-worker-keys");
            t.setDaemon(true);
            return t;
        });
        watch.scheduleWithFixedDelay(() -> {
            try {
                refresh();
            } catch (RuntimeException e) {
                LOG.error("worker for host {}: checking {} failed", host, WorkerConfig.PUBLIC_KEY_CONFIG, e);
            }
        }, CHECK_EVERY.toMillis(), CHECK_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Checks the files first: a command read after a file was replaced is judged by what the file holds now, and a
     * revoked key is refused from the first command after.
     *
     * @return the keys commands may be signed with, by key id, in the order of the files
     */
    public Map<String, PublicKey> current() {
        refresh();
        return keys;
    }

    /**
     * @return why the worker obeys no command and how to fix it, when {@link #current()} was empty
     */
    public String noKeyReason() {
        return noKey;
    }

    /** Reads the files again when one of them changed since they were last read; logs what that changed. */
    synchronized void refresh() {
        final List<String> now = stamps();
        if (now.equals(stamps)) {
            return;
        }
        final List<String> changed = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            if (!now.get(i).equals(stamps.get(i))) {
                changed.add(names.get(i));
            }
        }
        stamps = now;
        final Reading fresh = readEach(names);
        final Map<String, PublicKey> before = keys;
        final String what = String.join(", ", changed) + " changed";
        final String why = fresh.problems().isEmpty() ? "every file listed says " + NO_KEY
                : String.join("; ", fresh.problems());
        if (fresh.keys().isEmpty()) {
            // before the keys: whoever sees no key finds why
            noKey = "this worker obeys no key, so it refuses every command, until a file of "
                    + WorkerConfig.PUBLIC_KEY_CONFIG + " holds the engine's public key again: " + why;
        }
        keys = fresh.keys();
        if (keys.isEmpty()) {
            LOG.error("worker for host {} obeys NO command from now on (before: key id(s) {}): {}: {}. Every command "
                    + "goes to the dead-letter topic, unread, until one of the files {} holds a public key the worker "
                    + "may trust: write the engine's .pub beside it and mv it over, not writable by every user "
                    + "(README, 'Rotating the signing key')", host, before.keySet(), what, why, names);
        } else if (!fresh.problems().isEmpty()) {
            LOG.error("worker for host {}: {}: a file refused gives no key from now on, so the worker obeys key id(s) "
                    + "{} (before: {}): {} ({})", host, what, keys.keySet(), before.keySet(), why,
                    WorkerConfig.PUBLIC_KEY_CONFIG);
        } else if (refused || !keys.keySet().equals(before.keySet())) {
            LOG.info("worker for host {} obeys commands signed by key id(s) {} from now on (before: {}): {}", host,
                    keys.keySet(), before.keySet(), what);
        }
        refused = keys.isEmpty() || !fresh.problems().isEmpty();
    }

    /** @return each file's stamp: what changes when it is replaced, rewritten or made writable to others */
    private List<String> stamps() {
        final List<String> out = new ArrayList<>();
        for (final String name : names) {
            final Path file = Path.of(name);
            try {
                BasicFileAttributes a;
                try {
                    a = Files.readAttributes(file, PosixFileAttributes.class);
                } catch (UnsupportedOperationException e) {
                    a = Files.readAttributes(file, BasicFileAttributes.class);
                }
                final String mode = a instanceof PosixFileAttributes p ? PosixFilePermissions.toString(p.permissions())
                        : "";
                out.add(a.fileKey() + " " + a.size() + " " + a.lastModifiedTime() + " " + mode + " " + ctime(file));
            } catch (IOException e) {
                // a missing file is a state too: its return is a change
                out.add(e.toString());
            }
        }
        return out;
    }

    /**
     * @return the file's status change time where the system keeps one, else "": a chown, chgrp or ACL change (the fix
     *     of a file the worker's user could not read) moves only that, as does a copy in place that keeps the times
     */
    private static Object ctime(final Path file) throws IOException {
        return file.getFileSystem().supportedFileAttributeViews().contains("unix")
                ? Files.getAttribute(file, "unix:ctime") : "";
    }

    /**
     * Reads public key files, each checked as it is read (a missing or unreadable file, one that is neither a public
     * key nor {@value #NO_KEY}, a private key, one every user may write, the same key twice, no key at all).
     *
     * @param names the files
     * @return the keys by key id, in the order the files are listed
     * @throws ConfigException naming the key and each file that cannot be trusted
     */
    static Map<String, PublicKey> read(final List<String> names) {
        final Reading reading = readEach(names);
        final List<String> problems = new ArrayList<>(reading.problems());
        if (problems.isEmpty() && reading.keys().isEmpty()) {
            problems.add("every file listed says " + NO_KEY + ": no key to obey, every command would be refused");
        }
        if (!problems.isEmpty()) {
            // one line, all of them: the config loader gives it the key's line
            throw new ConfigException(String.join("; ", problems) + " (" + WorkerConfig.PUBLIC_KEY_CONFIG + ")");
        }
        return reading.keys();
    }

    /**
     * What the files give, each on its own.
     *
     * @param keys the keys of the files that passed, by key id, in the order the files are listed
     * @param problems why each other file gives none (it names the file)
     */
    record Reading(Map<String, PublicKey> keys, List<String> problems) {
    }

    /**
     * @param names the files
     * @return the keys of the files that pass the checks of {@link #read}, and why the others give none
     */
    static Reading readEach(final List<String> names) {
        final Map<String, PublicKey> keys = new LinkedHashMap<>();
        final List<String> problems = new ArrayList<>();
        for (final String name : names) {
            final Path file = Path.of(name);
            try {
                final PublicKey key = readOne(file);
                if (key == null) {
                    continue;
                }
                final String id = CommandSignature.keyId(key);
                if (keys.containsKey(id)) {
                    // most likely the old .pub copied where the new one was meant: the new key would not be trusted
                    problems.add(file + ": the same key (key id " + id + ") as another file "
                            + "listed; a copy of one where another key was meant?");
                } else {
                    keys.put(id, key);
                }
            } catch (IOException e) {
                problems.add(e.getMessage());
            }
        }
        return new Reading(Collections.unmodifiableMap(keys), List.copyOf(problems));
    }

    /**
     * Reads one listed file with the checks of a worker (also {@code vigil keys id}'s, so that it agrees).
     *
     * @param file a listed file
     * @return its public key, or null when it says {@value #NO_KEY}
     * @throws IOException naming the file and why a worker cannot trust it: missing, unreadable, neither a public key
     *     nor {@value #NO_KEY}, a private key, writable by every user
     */
    public static PublicKey readOne(final Path file) throws IOException {
        // whoever can replace the file can sign every command this worker runs (restores over live data too); a
        // none they could write is a key they could put there
        if (FileModes.grantsOthers(file, PosixFilePermission.OTHERS_WRITE).isPresent()) {
            throw new IOException(file + ": writable by every user of this host: any of them could put their own key "
                    + "there and sign commands this worker runs; 'chmod o-w " + file + "'");
        }
        return holdsNoKey(file) ? null : CommandSignature.readPublic(file);
    }

    /**
     * @param file a listed file
     * @return whether the file says {@value #NO_KEY}; false when it cannot be read (reading it as a key says why)
     */
    public static boolean holdsNoKey(final Path file) {
        try {
            // an empty file is not a placeholder: a copy that failed or a truncation leaves one
            return Files.size(file) < 64 && Files.readString(file).strip().equals(NO_KEY);
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void close() {
        if (watch != null) {
            watch.shutdownNow();
        }
    }
}
