package dev.vigil.backup.backend;

import dev.vigil.backup.fs.TemporaryFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A repository in a local directory. Files are written to a temporary name in their final
 * directory, optionally forced to disk, then renamed, so a reader (or a crash) never sees half a
 * file. Reads keep a few files open per thread: a restore reads many small ranges of few packs.
 *
 * <p>With fsync on, a save returns once the file and its name are durable: the rename lives in the directory, so the
 * directory is forced too (and a new directory's parent). Without it a power loss could keep an index file and lose
 * the name of a pack it lists, which the index was written after. Since every save is durable when it returns,
 * {@link #sync()} has nothing left to do.
 */
public final class LocalBackend implements Backend {
    /** Start of the name of a file being written, before its rename into place. */
    public static final String TMP_PREFIX = ".tmp-";
    /**
     * Temporary files of saves in progress in this JVM, removed by {@link #stopSaving} when the process is stopped in
     * the middle (Ctrl-C, SIGTERM): else they stay until the next prune, which alone may remove others' (a backup
     * running beside may be writing its own).
     */
    private static final TemporaryFiles SAVING = new TemporaryFiles();
    /** How long saves in progress at a stop may take to finish (an fsynced pack is usually well within). */
    private static final java.time.Duration STOP_GRACE = java.time.Duration.ofSeconds(2);

    /**
     * For a shutdown hook of a process that is stopped before its work is done: refuses new saves from now on, lets
     * those in progress finish for a moment, and removes the temporary files of those that did not.
     */
    public static void stopSaving() {
        SAVING.stop(STOP_GRACE);
    }

    private static final int OPEN_PER_THREAD = 16;
    private final Path root;
    private final boolean fsync;
    /** Forces a directory to disk; tests watch it. */
    private final DirectorySync directorySync;
    /** Whether the file system refused to force a directory (EINVAL: some FUSE and network ones); then it is not tried. */
    private volatile boolean directorySyncUnsupported;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(LocalBackend.class);

    /** How a directory is forced to disk. */
    @FunctionalInterface
    interface DirectorySync {
        /** @param dir a directory whose entries must be durable */
        void force(Path dir) throws IOException;
    }
    private final Set<FileChannel> open = ConcurrentHashMap.newKeySet();
    private final ThreadLocal<Map<String, FileChannel>> channels = ThreadLocal.withInitial(() ->
            new LinkedHashMap<>(OPEN_PER_THREAD * 2, 0.75f, true) {
                private static final long serialVersionUID = 1L;

                @Override
                protected boolean removeEldestEntry(final Map.Entry<String, FileChannel> eldest) {
                    if (size() > OPEN_PER_THREAD) {
                        closeQuietly(eldest.getValue());
                        return true;
                    }
                    return false;
                }
            });

    /**
     * @param root the repository directory (created on first save)
     * @param fsync whether each saved file is forced to disk before its rename (durable against power loss)
     */
    public LocalBackend(final Path root, final boolean fsync) {
        this(root, fsync, LocalBackend::forceDirectory);
    }

    /** For tests that watch which directories are forced, and when. */
    LocalBackend(final Path root, final boolean fsync, final DirectorySync directorySync) {
        this.root = root.toAbsolutePath().normalize();
        this.fsync = fsync;
        this.directorySync = directorySync;
    }

    /** fsync(2) of a directory: on Linux a directory opened for reading can be forced. */
    private static void forceDirectory(final Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    /** Makes a directory's entries durable (a name renamed or linked into it, a directory created in it). */
    private void syncDirectory(final Path dir) throws IOException {
        if (!fsync || directorySyncUnsupported) {
            return;
        }
        try {
            directorySync.force(dir);
        } catch (IOException e) {
            if (e.getMessage() == null || !e.getMessage().contains("Invalid argument")) {
                throw e;
            }
            // EINVAL: this file system cannot force a directory (restic ignores it too); files are still forced
            directorySyncUnsupported = true;
            LOG.warn("{}: the file system cannot force a directory to disk ({}); a power loss may lose the names of "
                    + "files just written", root, e.getMessage());
        }
    }

    /** @return the repository directory */
    @Override
    public Path localRoot() {
        return root;
    }

    @Override
    public String location() {
        return root.toString();
    }

    /**
     * @param handle a file
     * @return where it lives
     */
    public Path path(final Handle handle) {
        return switch (handle.type()) {
            case MARKER, CONFIG -> root.resolve(handle.name());
            case PACK -> root.resolve("data").resolve(handle.name().substring(0, 2)).resolve(handle.name());
            default -> root.resolve(handle.type().dir()).resolve(handle.name());
        };
    }

    private static final java.nio.file.attribute.FileAttribute<?>[] OWNER_ONLY = {
        java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"))};
    private static final java.nio.file.attribute.FileAttribute<?>[] NONE = {};

    @Override
    public void save(final Handle handle, final byte[] data) throws IOException {
        save(handle, data, data.length);
    }

    @Override
    public void save(final Handle handle, final byte[] data, final int length) throws IOException {
        final Path target = path(handle);
        final Path tmp = writeTemporary(handle, data, length);
        try {
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            syncDirectory(target.getParent());
        } finally {
            SAVING.done(tmp);
        }
    }

    /**
     * Links the whole temporary file to its name, which fails when the name exists (link(2) is atomic), where a
     * rename would replace it.
     */
    @Override
    public void saveNew(final Handle handle, final byte[] data) throws IOException {
        final Path target = path(handle);
        final Path tmp = writeTemporary(handle, data, data.length);
        try {
            try {
                Files.createLink(target, tmp);
            } catch (java.nio.file.FileAlreadyExistsException e) {
                throw e;
            } catch (UnsupportedOperationException | java.nio.file.FileSystemException e) {
                // a file system without hard links (some FUSE and network ones): a move that refuses an existing
                // name, though it asks first and is not atomic
                Files.move(tmp, target);
                syncDirectory(target.getParent());
                return;
            }
            Files.delete(tmp);
            syncDirectory(target.getParent());
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        } finally {
            SAVING.done(tmp);
        }
    }

    /**
     * @return a temporary file in the handle's directory holding the data, forced to disk when fsync is on; the
     *     caller puts it in place and then calls {@code SAVING.done} on it
     */
    private Path writeTemporary(final Handle handle, final byte[] data, final int length) throws IOException {
        final Path target = path(handle);
        final Path dir = target.getParent();
        final Path tmp = dir.resolve(TMP_PREFIX + Long.toHexString(ThreadLocalRandom.current().nextLong()));
        // a key file is what a password guess is tried against offline: only its owner reads it
        final java.nio.file.attribute.FileAttribute<?>[] mode = handle.type() == FileType.KEY ? OWNER_ONLY : NONE;
        final java.util.Set<StandardOpenOption> create = java.util.EnumSet.of(StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE);
        final FileChannel ch;
        try {
            ch = SAVING.create(tmp, () -> {
                try {
                    return FileChannel.open(tmp, create, mode);
                } catch (NoSuchFileException e) {
                    createDirectories(dir);
                    return FileChannel.open(tmp, create, mode);
                }
            });
        } catch (IOException | RuntimeException e) {
            SAVING.done(tmp); // not created
            throw e;
        }
        try (FileChannel c = ch) {
            final ByteBuffer buf = ByteBuffer.wrap(data, 0, length);
            while (buf.hasRemaining()) {
                c.write(buf);
            }
            if (fsync) {
                c.force(false);
            }
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(tmp);
            } finally {
                SAVING.done(tmp);
            }
            throw e;
        }
        return tmp;
    }

    /** Creates a directory and those above it up to the root, each made durable in its parent. */
    private void createDirectories(final Path dir) throws IOException {
        final List<Path> created = new ArrayList<>();
        for (Path p = dir; p != null && !Files.isDirectory(p); p = p.getParent()) {
            created.add(0, p);
        }
        Files.createDirectories(dir);
        for (final Path p : created) {
            if (p.getParent() != null) {
                syncDirectory(p.getParent());
            }
        }
    }

    @Override
    public byte[] load(final Handle handle, final long offset, final int length) throws IOException {
        if (handle.type() != FileType.PACK) {
            // Small files are read once; only packs are worth keeping open.
            try (FileChannel ch = FileChannel.open(path(handle), StandardOpenOption.READ)) {
                return read(ch, offset, length);
            }
        }
        return read(packChannel(handle), offset, length);
    }

    private static byte[] read(final FileChannel ch, final long offset, final int length) throws IOException {
        // a length above the file's is allowed (a reader bounding what it reads of a file of unknown size): the
        // buffer is what the file holds, not the length
        final ByteBuffer buf = ByteBuffer.allocate((int) Math.min(length, Math.max(0, ch.size() - offset)));
        long pos = offset;
        while (buf.hasRemaining()) {
            final int n = ch.read(buf, pos);
            if (n < 0) {
                break;
            }
            pos += n;
        }
        if (buf.hasRemaining()) {
            final byte[] shorter = new byte[buf.position()];
            System.arraycopy(buf.array(), 0, shorter, 0, shorter.length);
            return shorter;
        }
        return buf.array();
    }

    private FileChannel packChannel(final Handle handle) throws IOException {
        final Map<String, FileChannel> mine = channels.get();
        FileChannel ch = mine.get(handle.name());
        if (ch == null || !ch.isOpen()) {
            ch = FileChannel.open(path(handle), StandardOpenOption.READ);
            open.add(ch);
            mine.put(handle.name(), ch);
        }
        return ch;
    }

    @Override
    public byte[] load(final Handle handle) throws IOException {
        if (handle.type() == FileType.PACK) {
            final long size = packChannel(handle).size();
            return load(handle, 0, Math.toIntExact(size));
        }
        return Files.readAllBytes(path(handle));
    }

    @Override
    public List<FileInfo> list(final FileType type) throws IOException {
        final List<FileInfo> out = new ArrayList<>();
        switch (type) {
            case MARKER -> stat(Handle.MARKER).ifPresent(out::add);
            case CONFIG -> stat(Handle.CONFIG).ifPresent(out::add);
            case PACK -> {
                final Path data = root.resolve("data");
                if (Files.isDirectory(data)) {
                    try (DirectoryStream<Path> subs = Files.newDirectoryStream(data)) {
                        for (final Path sub : subs) {
                            if (Files.isDirectory(sub)) {
                                listDir(sub, type, out);
                            }
                        }
                    }
                }
            }
            default -> listDir(root.resolve(type.dir()), type, out);
        }
        return out;
    }

    private static void listDir(final Path dir, final FileType type, final List<FileInfo> out) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (final Path f : files) {
                final String name = f.getFileName().toString();
                if (name.startsWith(TMP_PREFIX)) {
                    continue;
                }
                try {
                    out.add(new FileInfo(new Handle(type, name), Files.size(f)));
                } catch (NoSuchFileException e) {
                    // Removed while listing: it is not there any more.
                }
            }
        }
    }

    /**
     * @return temporary files left by interrupted saves (prune removes them)
     * @throws IOException when listing fails
     */
    public List<Path> temporaryFiles() throws IOException {
        final List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return out;
        }
        try (var walk = Files.walk(root, 3)) {
            walk.filter(p -> p.getFileName().toString().startsWith(TMP_PREFIX)).forEach(out::add);
        }
        return out;
    }

    @Override
    public Optional<FileInfo> stat(final Handle handle) throws IOException {
        try {
            return Optional.of(new FileInfo(handle, Files.size(path(handle))));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    @Override
    public void remove(final Handle handle) throws IOException {
        final FileChannel ch = channels.get().remove(handle.name());
        if (ch != null) {
            closeQuietly(ch);
        }
        Files.deleteIfExists(path(handle));
    }

    @Override
    public void close() {
        for (final FileChannel ch : open) {
            closeQuietly(ch);
        }
        open.clear();
    }

    private void closeQuietly(final FileChannel ch) {
        open.remove(ch);
        try {
            ch.close();
        } catch (IOException e) {
            // Read-only channel: nothing was lost.
        }
    }
}
