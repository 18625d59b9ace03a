package dev.vigil.backup.repository;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDecompressCtx;
import dev.vigil.backup.BackupException;
import dev.vigil.backup.InvalidDataException;
import dev.vigil.backup.NoRepositoryException;
import dev.vigil.backup.RepositoryExistsException;
import dev.vigil.backup.RetriableBackupException;
import dev.vigil.backup.WrongPasswordException;
import dev.vigil.backup.backend.Backend;
import dev.vigil.backup.backend.FileInfo;
import dev.vigil.backup.backend.FileType;
import dev.vigil.backup.backend.Handle;
import dev.vigil.backup.crypto.Aead;
import dev.vigil.backup.crypto.BlobHasher;
import dev.vigil.backup.crypto.Envelope;
import dev.vigil.backup.crypto.KeyFile;
import dev.vigil.backup.crypto.MasterKey;
import dev.vigil.backup.index.IndexFile;
import dev.vigil.backup.index.MasterIndex;
import dev.vigil.backup.pack.BlobId;
import dev.vigil.backup.pack.BlobType;
import dev.vigil.backup.pack.PackedBlob;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An open repository: encryption, packs, the index and dedup by index lookup, over a {@link
 * Backend} that only stores files. Blobs are stored at most once: {@link #saveBlob} returns
 * whether it added bytes. Thread-safe; {@link #flush()} makes everything saved so far indexed and
 * durable.
 */
public final class Repository implements AutoCloseable {
    /** Text of the format marker. */
    public static final String MARKER = "vigil-repository 1\n";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HexFormat HEX = HexFormat.of();
    private final Backend backend;
    private final RepoConfig config;
    private final MasterKey key;
    private final String keyName;
    private final Aead aead;
    private final Envelope envelope;
    private final BlobHasher hasher;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Repository.class);
    private final MasterIndex index = new MasterIndex();
    private final List<String> indexErrors = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Names of the index files the index was loaded from. */
    private final Set<String> indexFiles = new HashSet<>();
    private final PackerManager packers;
    /** Called with what is about to be written before each index file and snapshot: the lock's check, or none. */
    private volatile java.util.function.Consumer<String> writeGuard;
    private final ThreadLocal<ZstdCompressCtx> compressors;
    private final ThreadLocal<byte[]> compressBuffers = ThreadLocal.withInitial(() -> new byte[0]);
    private final ThreadLocal<ZstdDecompressCtx> decompressors = ThreadLocal.withInitial(ZstdDecompressCtx::new);

    private Repository(final Backend backend, final RepoConfig config, final MasterKey key, final String keyName) {
        this.backend = backend;
        this.config = config;
        this.key = key;
        this.keyName = keyName;
        this.aead = new Aead(key);
        this.envelope = new Envelope(aead);
        this.hasher = new BlobHasher(key);
        this.packers = new PackerManager(backend, envelope, index, config.packSize(), this::indexed,
                this::checkWriteGuard);
        this.compressors = ThreadLocal.withInitial(() -> {
            final ZstdCompressCtx c = new ZstdCompressCtx();
            c.setLevel(config.compressionLevel());
            return c;
        });
    }

    /**
     * Creates a repository.
     *
     * @param backend an empty store
     * @param password the first key's password
     * @param config format settings
     * @param kdfN scrypt cost of the first key
     * @param clock for the key's creation time
     * @return the open repository
     * @throws RepositoryExistsException when one exists already, or another process created one at the same time
     */
    public static Repository init(final Backend backend, final char[] password, final RepoConfig config,
                                  final int kdfN, final Clock clock) {
        try {
            if (backend.stat(Handle.MARKER).isPresent() || backend.stat(Handle.CONFIG).isPresent()) {
                throw new RepositoryExistsException(backend.location() + ": a repository exists already");
            }
            if (password.length == 0) {
                throw new IllegalArgumentException("empty password: anyone could open the repository");
            }
            final MasterKey key = MasterKey.random();
            final Repository repo = new Repository(backend, config, key, null);
            // Everything that can be refused (the KDF's cost) before the first write, so a refused init leaves
            // nothing behind; the marker, written last, is what makes it a repository.
            final byte[] keyFile = KeyFile.create(key, password, kdfN, clock.instant(), HostInfo.hostName(),
                    HostInfo.userName()).toBytes();
            // config is saved only where none is: of two inits at once, exactly one gets this far, and the other writes
            // nothing (a key file of its own would be a second master key, and the config it saved would replace
            // the first's, whose key then opens nothing)
            try {
                backend.saveNew(Handle.CONFIG, repo.envelope.seal("config", JSON.writeValueAsBytes(config), false));
            } catch (java.nio.file.FileAlreadyExistsException e) {
                throw new RepositoryExistsException(backend.location() + ": a repository was created there by another "
                        + "process at the same time; open it (its password may not be this one)");
            }
            final Handle keyHandle = new Handle(FileType.KEY, fileId(keyFile));
            backend.save(keyHandle, keyFile);
            try {
                backend.saveNew(Handle.MARKER, MARKER.getBytes(StandardCharsets.US_ASCII));
            } catch (java.nio.file.FileAlreadyExistsException e) {
                // the same line whoever wrote it (config, saved first, is this init's own)
            }
            return new Repository(backend, config, key, keyHandle.name());
        } catch (IOException e) {
            throw new RetriableBackupException(backend.location() + ": cannot create repository: " + e, e);
        }
    }

    /** What puts a damaged config right. */
    private static final String CONFIG_FROM_A_COPY = "It never changes after init, so the config file of any copy of "
            + "this repository (a backup of it, an rsync) puts it right";

    /**
     * Opens a repository and loads its index.
     *
     * @param backend the store
     * @param password a password of one of its keys
     * @return the open repository
     * @throws NoRepositoryException when there is none
     * @throws WrongPasswordException when no key opens with the password
     */
    public static Repository open(final Backend backend, final char[] password) {
        try {
            if (backend.stat(Handle.MARKER).isEmpty()) {
                throw new NoRepositoryException(backend.location() + ": no Vigil repository here (run 'vigil repo "
                        + "init' first)");
            }
            final List<FileInfo> keys = backend.list(FileType.KEY);
            if (keys.isEmpty()) {
                throw new WrongPasswordException(backend.location() + ": no key files in keys/: no password can open "
                        + "this repository (were they deleted? a copy of keys/ from a backup of it brings them back)");
            }
            final byte[] sealedConfig;
            try {
                sealedConfig = loadWhole(backend, Handle.CONFIG);
            } catch (InvalidDataException e) {
                throw new InvalidDataException(backend.location() + ": " + e.getMessage() + ". " + CONFIG_FROM_A_COPY);
            }
            final List<String> unreadable = new java.util.ArrayList<>();
            String configRefused = null;
            for (final FileInfo f : keys) {
                if (f.size() > FileType.KEY.maxSize()) {
                    // anyone who can write to the store can put one there: loaded whole, it ended the process (an
                    // OutOfMemoryError, the worker's loop with it, for every dataset) before the real key was tried
                    unreadable.add(f.handle() + ": " + f.size() + " bytes, not a key file (those are under 1 KiB)");
                    continue;
                }
                final MasterKey key;
                try {
                    key = KeyFile.parse(loadWhole(backend, f.handle()), f.handle().toString()).open(password,
                            f.handle().toString());
                } catch (InvalidDataException | IllegalArgumentException e) {
                    // one damaged key file must not lock out the passwords of the others
                    unreadable.add(f.handle() + ": " + e.getMessage());
                    continue;
                } catch (java.nio.file.NoSuchFileException e) {
                    continue; // removed since the listing ('key remove')
                }
                if (key != null) {
                    final Envelope env = new Envelope(new Aead(key));
                    final byte[] plain;
                    try {
                        plain = env.open("config", sealedConfig, "config");
                    } catch (InvalidDataException e) {
                        // a key of another master key with the same password (left by two inits at once, before
                        // init refused the second): another key file may hold config's key
                        configRefused = f.handle() + " opens with this password but config does not authenticate "
                                + "with its master key";
                        continue;
                    }
                    final RepoConfig config = JSON.readValue(plain, RepoConfig.class);
                    config.check();
                    final Repository repo = new Repository(backend, config, key, f.handle().name());
                    repo.loadIndex();
                    return repo;
                }
            }
            if (configRefused != null) {
                throw new InvalidDataException(backend.location() + ": config: " + configRefused + ", nor with that "
                        + "of any other key file it opens: config is damaged or was replaced. " + CONFIG_FROM_A_COPY);
            }
            throw new WrongPasswordException(backend.location() + ": wrong password (no key opens with it)"
                    + (unreadable.isEmpty() ? "" : "; " + unreadable.size() + " of " + keys.size() + " key files cannot "
                    + "be read (" + unreadable.get(0) + "): the password may be one of theirs; a copy of keys/ from a "
                    + "backup of the repository brings them back"));
        } catch (IOException e) {
            throw new RetriableBackupException(backend.location() + ": cannot open repository: " + e, e);
        }
    }

    /**
     * Loads the index again when its files are not those it was loaded from. Called once a lock is held: the index
     * is loaded before (while the lock is written), and a prune that finished in between may have deleted packs the
     * loaded index still lists, which a backup would then take as stored.
     *
     * @return whether it was loaded again
     * @throws IOException when the index files cannot be listed or read
     */
    public boolean reloadIndexIfChanged() throws IOException {
        final Set<String> now = new HashSet<>();
        for (final FileInfo f : backend.list(FileType.INDEX)) {
            now.add(f.handle().name());
        }
        if (now.equals(indexFiles)) {
            return false;
        }
        LOG.debug("index files changed before the lock was taken; loading the index again");
        index.clear();
        indexErrors.clear();
        synchronized (indexFiles) {
            indexFiles.clear();
        }
        loadIndex();
        return true;
    }

    private void loadIndex() throws IOException {
        final List<FileInfo> files = backend.list(FileType.INDEX);
        // The table sized once for every blob: grown as it filled, the old and the new table were live together
        // (README, Memory). Reading the files twice costs their decryption again, a fraction of decoding them.
        long blobs = 0;
        for (final FileInfo f : files) {
            try {
                blobs += IndexFile.count(loadUnpacked(f.handle(), IndexFile.KIND), f.handle().toString());
            } catch (InvalidDataException | java.nio.file.NoSuchFileException e) {
                // told below, when it is loaded
            }
        }
        index.reserve((int) Math.min(blobs, Integer.MAX_VALUE / 2));
        for (final FileInfo f : files) {
            synchronized (indexFiles) {
                indexFiles.add(f.handle().name());
            }
            try {
                final byte[] plain = loadUnpacked(f.handle(), IndexFile.KIND);
                for (final Map.Entry<String, List<PackedBlob>> e : IndexFile.decode(plain, f.handle().toString())
                        .entrySet()) {
                    index.add(e.getKey(), e.getValue());
                }
            } catch (InvalidDataException e) {
                // A damaged index file hides its blobs: backups store them again, check reports it, prune refuses.
                LOG.warn("{} (ignored: {})", e.getMessage(), DAMAGED_INDEX);
                indexErrors.add(e.getMessage());
            } catch (java.nio.file.NoSuchFileException e) {
                // Removed by a concurrent prune after listing.
            }
        }
    }

    /**
     * @return names of the index files the in-memory index was loaded from (damaged ones included): the only ones a
     *     consolidation may remove, since a file listed later (a listing that lagged, a writer without a valid lock)
     *     names packs the index does not hold
     */
    public Set<String> loadedIndexFiles() {
        synchronized (indexFiles) {
            return Set.copyOf(indexFiles);
        }
    }

    /**
     * Sets the check run before every index file and snapshot is written (a held lock's {@code checkHeld}): one
     * written under a lock that another process took for stale could name packs that process has since deleted.
     *
     * @param guard throws to refuse the write; told what is about to be written
     */
    public void guardWrites(final java.util.function.Consumer<String> guard) {
        writeGuard = guard;
    }

    /** @param guard removes this guard, if it is the one set */
    public void unguardWrites(final java.util.function.Consumer<String> guard) {
        if (writeGuard == guard) {
            writeGuard = null;
        }
    }

    private void checkWriteGuard(final String what) {
        final java.util.function.Consumer<String> guard = writeGuard;
        if (guard != null) {
            guard.accept(what);
        }
    }

    /** What a damaged index file means and what puts it right, for warnings. */
    public static final String DAMAGED_INDEX = "the blobs it names are unknown to this run, a backup stores them "
            + "again; run 'vigil repo repair index', which rebuilds the index from the packs";

    /** @return index files that could not be read when the repository was opened */
    public List<String> indexErrors() {
        return List.copyOf(indexErrors);
    }

    /**
     * @param bytes stored bytes
     * @return their file id: SHA-256, hex
     */
    public static String fileId(final byte[] bytes) {
        return HEX.formatHex(BlobHasher.sha256(bytes));
    }

    /** @return the store */
    public Backend backend() {
        return backend;
    }

    /**
     * @return temporary files that interrupted runs left in a local repository (none in another store); prune removes
     *     them, a running command may still be writing one
     * @throws IOException when the repository cannot be listed
     */
    public List<java.nio.file.Path> temporaryFiles() throws IOException {
        Backend b = backend;
        if (b instanceof dev.vigil.backup.backend.RetryingBackend r) {
            b = r.inner();
        }
        return b instanceof dev.vigil.backup.backend.LocalBackend local ? local.temporaryFiles() : List.of();
    }

    /** @return the format settings */
    public RepoConfig config() {
        return config;
    }

    /** @return the in-memory index */
    public MasterIndex index() {
        return index;
    }

    /** @return the blob id function */
    public BlobHasher hasher() {
        return hasher;
    }

    /** @return the name of the key file this repository was opened with */
    public String keyName() {
        return keyName;
    }

    /** @return bytes written to the store by blob and index saves so far */
    public long bytesWritten() {
        return packers.bytesWritten();
    }

    /**
     * What {@link #saveBlob} did.
     *
     * @param id the blob's id
     * @param added whether it was new and is now stored
     * @param storedLength bytes it takes in its pack when added, else 0
     */
    public record Saved(BlobId id, boolean added, int storedLength) {
    }

    /**
     * Stores a blob unless the repository has it: hash, look up, compress, encrypt, pack.
     *
     * @param type its type
     * @param data plaintext
     * @param offset first byte
     * @param length bytes
     * @return its id and whether it was added
     */
    public Saved saveBlob(final BlobType type, final byte[] data, final int offset, final int length) {
        final BlobId id = BlobId.wrap(hasher.id(data, offset, length));
        return saveBlob(type, id, data, offset, length);
    }

    /**
     * Stores a blob whose id the caller computed with {@link #hasher()}.
     *
     * @param type its type
     * @param id its id
     * @param data plaintext
     * @param offset first byte
     * @param length bytes
     * @return what happened
     */
    public Saved saveBlob(final BlobType type, final BlobId id, final byte[] data, final int offset,
                          final int length) {
        if (!packers.claim(type, id)) {
            return new Saved(id, false, 0);
        }
        try {
            byte[] src = data;
            int srcOff = offset;
            int srcLen = length;
            boolean compressed = false;
            if (length > 64) {
                byte[] z = compressBuffers.get();
                if (z.length < Zstd.compressBound(length)) {
                    if (length <= config.chunkMax()) {
                        z = new byte[(int) Zstd.compressBound(config.chunkMax())];
                        compressBuffers.set(z);
                    } else {
                        // A tree blob of a huge directory (tens of MB): its buffer goes with it. Kept, each thread
                        // would hold the largest blob it ever compressed for as long as it lives.
                        z = new byte[(int) Zstd.compressBound(length)];
                    }
                }
                final int n = compressors.get().compressByteArray(z, 0, z.length, data, offset, length);
                // Keep the compressed form only when it saves at least 2 %: random data is stored as is.
                if (n < length - (length / 50)) {
                    src = z;
                    srcOff = 0;
                    srcLen = n;
                    compressed = true;
                }
            }
            final byte[] sealed = aead.seal(src, srcOff, srcLen, aad(type, id));
            packers.add(type, id, compressed, length, sealed);
            return new Saved(id, true, sealed.length);
        } catch (RuntimeException e) {
            packers.release(type, id);
            throw e;
        }
    }

    /** @return bytes of the compression buffer the calling thread keeps for its next blobs (tests) */
    int compressBufferBytes() {
        return compressBuffers.get().length;
    }

    /**
     * Copies a sealed blob as it is into a new pack (prune's repacking): no decryption needed, since
     * the blob authenticates against its type and id wherever it sits.
     *
     * @param b the blob's entry
     * @param sealed its stored bytes
     */
    public void repack(final PackedBlob b, final byte[] sealed) {
        packers.add(b.type(), b.id(), b.compressed(), b.rawLength(), sealed);
    }

    /**
     * Makes {@link #writtenPacks()} list the packs written from now on (prune and repair index their own packs).
     * Off by default: it holds every written blob's entry a second time, beside the index.
     */
    public void recordWrittenPacks() {
        packers.recordWritten();
    }

    /** @return every pack written through this repository object since {@link #recordWrittenPacks()}, with its blobs */
    public Map<String, List<PackedBlob>> writtenPacks() {
        return packers.written();
    }

    /**
     * Writes one index file listing exactly these packs.
     *
     * @param packs pack name → blobs
     * @return its handle
     */
    public Handle saveIndex(final Map<String, List<PackedBlob>> packs) {
        final Handle h = saveUnpacked(FileType.INDEX, IndexFile.KIND, IndexFile.encode(packs));
        indexed(h.name());
        return h;
    }

    /** Notes an index file this object wrote: the in-memory index holds what it names. */
    private void indexed(final String indexFile) {
        synchronized (indexFiles) {
            indexFiles.add(indexFile);
        }
    }

    private static byte[] aad(final BlobType type, final BlobId id) {
        final byte[] aad = new byte[1 + BlobId.LENGTH];
        aad[0] = type.code();
        id.copyTo(aad, 1);
        return aad;
    }

    /**
     * @param type blob type
     * @param id blob id
     * @return its plaintext, authenticated
     * @throws BackupException when it is not indexed or cannot be read
     * @throws InvalidDataException when it does not authenticate
     */
    public byte[] loadBlob(final BlobType type, final BlobId id) {
        final MasterIndex.Location loc = index.lookup(type, id);
        if (loc == null) {
            throw new BackupException(type.name().toLowerCase() + " blob " + id + ": not in the index" + (indexErrors
                    .isEmpty() ? "" : " (" + indexErrors.size() + " index files are damaged: 'vigil repo repair index' "
                    + "rebuilds the index from the packs)"));
        }
        return loadBlob(loc);
    }

    /**
     * @param loc where the blob is
     * @return its plaintext, authenticated
     */
    public byte[] loadBlob(final MasterIndex.Location loc) {
        final PackedBlob b = loc.blob();
        final Handle pack = new Handle(FileType.PACK, loc.pack());
        final byte[] sealed;
        try {
            sealed = backend.load(pack, b.offset(), b.storedLength());
        } catch (IOException e) {
            throw new RetriableBackupException(pack + ": cannot read blob " + b.id() + ": " + e, e);
        }
        return openBlob(b, sealed, 0, pack.toString());
    }

    /**
     * @param b the blob's entry
     * @param buf bytes holding its sealed form
     * @param offset where it starts in buf
     * @param where the pack, for messages
     * @return its plaintext, authenticated
     */
    public byte[] openBlob(final PackedBlob b, final byte[] buf, final int offset, final String where) {
        final String what = where + ": " + b.type().name().toLowerCase() + " blob " + b.id();
        if (buf.length - offset < b.storedLength()) {
            throw new InvalidDataException(what + ": truncated");
        }
        final byte[] plain = aead.open(buf, offset, b.storedLength(), aad(b.type(), b.id()), what);
        if (!b.compressed()) {
            return plain;
        }
        final byte[] out = new byte[b.rawLength()];
        try {
            final int n = decompressors.get().decompressByteArray(out, 0, out.length, plain, 0, plain.length);
            if (n != out.length) {
                throw new InvalidDataException(what + ": decompressed to " + n + " bytes, expected " + out.length);
            }
        } catch (com.github.luben.zstd.ZstdException e) {
            throw new InvalidDataException(what + ": cannot decompress: " + e.getMessage());
        }
        return out;
    }

    /**
     * Writes a small encrypted file named by its hash.
     *
     * @param type its kind
     * @param kind the authenticated kind name
     * @param plain its content
     * @return its handle
     */
    public Handle saveUnpacked(final FileType type, final String kind, final byte[] plain) {
        if (type == FileType.INDEX || type == FileType.SNAPSHOT) {
            checkWriteGuard(type == FileType.INDEX ? "the index file" : "the snapshot");
        }
        final byte[] sealed = envelope.seal(kind, plain, true);
        final Handle h = new Handle(type, fileId(sealed));
        try {
            backend.save(h, sealed);
        } catch (IOException e) {
            throw BackupException.ofWrite(h.toString(), e);
        }
        return h;
    }

    /**
     * Reads a small encrypted file and checks that its name is its hash.
     *
     * @param h the file
     * @param kind the kind it must be
     * @return its plaintext
     * @throws IOException when it cannot be read
     * @throws InvalidDataException when it is damaged
     */
    public byte[] loadUnpacked(final Handle h, final String kind) throws IOException {
        final byte[] sealed = loadWhole(backend, h);
        if (!fileId(sealed).equals(h.name())) {
            throw new InvalidDataException(h + ": content does not match its name (damaged)");
        }
        return envelope.open(kind, sealed, h.toString());
    }

    /**
     * Reads a whole file of a kind that is read whole (all but packs), at most its kind's {@link FileType#maxSize()}:
     * what anyone who can write to the store planted there could otherwise take all memory, the same file at every
     * run.
     *
     * @param backend the store
     * @param h the file
     * @return its bytes
     * @throws IOException when it cannot be read
     * @throws InvalidDataException when it is larger than any file of its kind
     */
    public static byte[] loadWhole(final Backend backend, final Handle h) throws IOException {
        final int max = h.type().maxSize();
        final byte[] bytes = backend.load(h, 0, max + 1);
        if (bytes.length > max) {
            final String size = backend.stat(h).map(f -> f.size() + " bytes").orElse("more than " + max + " bytes");
            throw new InvalidDataException(h + ": " + size + ", larger than any " + h.type().name().toLowerCase()
                    + " file can be (" + max + " bytes, FORMAT.md, Limits): damaged or not Vigil's, not read");
        }
        return bytes;
    }

    /** @return the envelope used for small files, for the checker */
    public Envelope envelope() {
        return envelope;
    }

    /** Finishes open packs and writes the index of everything saved so far. */
    public void flush() {
        packers.flush();
    }

    /**
     * After a failed run: stores no more blobs and indexes the packs written whole so far, so that the next run re-uses
     * them; a pack being filled is dropped. Called instead of {@link #flush()}: a failed run needs no more packs.
     *
     * @throws BackupException when the index file cannot be written (a full disk, a lost lock)
     */
    public void indexWrittenPacks() {
        packers.indexWrittenPacks();
    }

    /**
     * {@link #indexWrittenPacks()} for a run that failed, keeping its failure the one reported.
     *
     * @param failure why the run (a backup, a copy into this repository) failed
     * @return the failure, to throw; when the index is refused too (what failed the run, a full disk or a lost lock,
     *     may refuse it) that refusal is added as suppressed, and the packs stay unindexed, as after kill -9, until
     *     prune removes them
     */
    public RuntimeException indexWrittenPacksAfter(final RuntimeException failure) {
        try {
            indexWrittenPacks();
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
        return failure;
    }

    /**
     * Adds a password key wrapping this repository's master key.
     *
     * @param password the new password
     * @param kdfN scrypt cost
     * @param clock for the creation time
     * @return the new key file's name
     */
    public String addKey(final char[] password, final int kdfN, final Clock clock) {
        final byte[] bytes = KeyFile.create(key, password, kdfN, clock.instant(), HostInfo.hostName(),
                HostInfo.userName()).toBytes();
        final Handle h = new Handle(FileType.KEY, fileId(bytes));
        try {
            backend.save(h, bytes);
        } catch (IOException e) {
            throw BackupException.ofWrite(h.toString(), e);
        }
        return h.name();
    }

    @Override
    public void close() {
        packers.close();
        try {
            backend.close();
        } catch (IOException e) {
            // Read channels only: nothing to lose.
        }
    }
}
