package dev.vigil.backup;

import dev.vigil.backup.backend.Backend;
import dev.vigil.backup.backend.FileType;
import dev.vigil.backup.backend.ForwardingBackend;
import dev.vigil.backup.backend.Handle;
import dev.vigil.backup.backend.LocalBackend;
import dev.vigil.backup.repository.RepoConfig;
import dev.vigil.backup.repository.Repository;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/** Test repositories with cheap KDF and small chunks and packs, and tree manifests to compare. */
public final class TestRepos {
    /** Password of every test repository. */
    public static final char[] PASSWORD = "test-password".toCharArray();

    private TestRepos() {
    }

    /**
     * Writes a password file as an operator should (README): only its owner may read it, else the worker refuses it.
     *
     * @param file where
     * @param password its first line
     * @return the file
     * @throws IOException when it cannot be written
     */
    public static Path passwordFile(final Path file, final String password) throws IOException {
        Files.writeString(file, password + "\n");
        return Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    }

    /**
     * @param dir an empty or missing directory
     * @return a new repository there: 64 KiB average chunks, 1 MiB packs, scrypt N=1024
     */
    public static Repository create(final Path dir) {
        return create(new LocalBackend(dir, false));
    }

    /**
     * @param backend an empty store
     * @return a new repository in it, with the same test settings
     */
    public static Repository create(final Backend backend) {
        return Repository.init(backend, PASSWORD, RepoConfig.create(64 << 10, 3, 1 << 20), 1024, Clock.systemUTC());
    }

    /**
     * @param dir a repository directory
     * @return it, opened
     */
    public static Repository open(final Path dir) {
        return Repository.open(new LocalBackend(dir, false), PASSWORD);
    }

    /**
     * @param repo a repository directory, possibly being written by another process
     * @return its pack files (temporary ones left out); none while it has no {@code data/} yet, and a temporary file
     *     renamed while its directory was read is counted on the next call
     * @throws IOException when the directory cannot be read
     */
    public static List<Path> packFiles(final Path repo) throws IOException {
        if (!Files.isDirectory(repo.resolve("data"))) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(repo.resolve("data"))) {
            return s.filter(p -> Files.isRegularFile(p) && !p.getFileName().toString().startsWith(".tmp")).toList();
        } catch (java.io.UncheckedIOException e) {
            if (e.getCause() instanceof java.nio.file.NoSuchFileException) {
                return List.of();
            }
            throw e;
        }
    }

    /**
     * A real store on disk whose file system fills up at a pack: that save and every later pack's fail with "No space
     * left on device", while smaller files (index files, snapshots) still fit.
     *
     * @param dir the repository directory
     * @param nth the first pack that does not fit, from 1
     * @return the store
     */
    public static Backend fullFromPack(final Path dir, final int nth) {
        final AtomicInteger packs = new AtomicInteger();
        return new ForwardingBackend(new LocalBackend(dir, false)) {
            @Override
            public void save(final Handle handle, final byte[] data, final int length) throws IOException {
                if (handle.type() == FileType.PACK && packs.incrementAndGet() >= nth) {
                    throw new IOException(handle + ": No space left on device");
                }
                super.save(handle, data, length);
            }
        };
    }

    /**
     * @param root a tree
     * @return relative path → type, mode, size, SHA-256 or link target, mtime (ns)
     * @throws IOException when it cannot be read
     */
    public static Map<String, String> manifest(final Path root) throws IOException {
        final Map<String, String> out = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (final Path p : (Iterable<Path>) walk::iterator) {
                if (p.equals(root)) {
                    continue;
                }
                final String rel = root.relativize(p).toString();
                final Map<String, Object> a = Files.readAttributes(p, "unix:mode,size,lastModifiedTime",
                        LinkOption.NOFOLLOW_LINKS);
                final int mode = (Integer) a.get("mode");
                String desc = String.format("%06o", mode);
                if (Files.isSymbolicLink(p)) {
                    desc += " -> " + Files.readSymbolicLink(p);
                } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    desc += " " + a.get("size") + " " + sha256(p) + " " + a.get("lastModifiedTime");
                } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    desc += " dir";
                }
                out.put(rel, desc);
            }
        }
        return out;
    }

    private static String sha256(final Path p) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
