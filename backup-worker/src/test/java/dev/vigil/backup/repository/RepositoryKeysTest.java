package dev.vigil.backup.repository;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.backup.NoRepositoryException;
import dev.vigil.backup.RepositoryLockedException;
import dev.vigil.backup.TestRepos;
import dev.vigil.backup.WrongPasswordException;
import dev.vigil.backup.RetriableBackupException;
import dev.vigil.backup.backend.Backend;
import dev.vigil.backup.backend.FileInfo;
import dev.vigil.backup.backend.FileType;
import dev.vigil.backup.backend.Handle;
import dev.vigil.backup.backend.LocalBackend;
import dev.vigil.backup.backend.MemoryBackend;
import dev.vigil.backup.backend.S3LikeBackend;
import dev.vigil.backup.lock.RepoLock;
import dev.vigil.backup.pack.BlobType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RepositoryKeysTest {
    @TempDir
    Path tmp;

    @Test
    void shouldOpenWithAnyAddedPasswordAndRefuseAWrongOne() throws Exception {
        final Path dir = tmp.resolve("repo");
        final String second;
        try (Repository repo = TestRepos.create(dir)) {
            second = repo.addKey("second".toCharArray(), 1024, Clock.systemUTC());
        }
        assertThrows(WrongPasswordException.class, () -> Repository.open(new LocalBackend(dir, false),
                "wrong".toCharArray()));
        try (Repository repo = Repository.open(new LocalBackend(dir, false), "second".toCharArray())) {
            assertEquals(second, repo.keyName());
        }
        new LocalBackend(dir, false).remove(new Handle(FileType.KEY, second));
        assertThrows(WrongPasswordException.class, () -> Repository.open(new LocalBackend(dir, false),
                "second".toCharArray()));
        assertThrows(NoRepositoryException.class, () -> Repository.open(new LocalBackend(tmp.resolve("none"), false),
                TestRepos.PASSWORD));
    }

    @Test
    void shouldSayThatAnyCopyOfConfigPutsItRightWhenABitOfItFlipped() throws Exception {
        final Path dir = tmp.resolve("repo");
        TestRepos.create(dir).close();
        final Path config = dir.resolve("config");
        final byte[] bytes = Files.readAllBytes(config);
        bytes[bytes.length / 2] ^= 1;
        Files.write(config, bytes);
        final Exception e = assertThrows(dev.vigil.backup.InvalidDataException.class,
                () -> Repository.open(new LocalBackend(dir, false), TestRepos.PASSWORD));
        assertTrue(e.getMessage().contains("config is damaged or was replaced") && e.getMessage().contains(
                "never changes after init"), e.getMessage());
    }

    @Test
    void shouldEncryptEverythingButTheMarkerAndNeverStoreABlobTwice() throws Exception {
        final Path dir = tmp.resolve("repo");
        final byte[] secret = "a very recognisable secret plaintext, repeated ".repeat(50)
                .getBytes(StandardCharsets.UTF_8);
        try (Repository repo = TestRepos.create(dir)) {
            assertTrue(repo.saveBlob(BlobType.DATA, secret, 0, secret.length).added());
            assertFalse(repo.saveBlob(BlobType.DATA, secret, 0, secret.length).added());
            repo.flush();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (final Path f : files.filter(Files::isRegularFile).toList()) {
                final String content = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                assertFalse(content.contains("recognisable"), f + " holds plaintext");
            }
        }
        try (Repository repo = TestRepos.open(dir)) {
            assertEquals(1, repo.index().size());
        }
    }

    @Test
    void shouldRefuseAnExclusiveLockWhileAnotherIsHeldAndRemoveStaleOnes() throws Exception {
        try (Repository repo = TestRepos.create(tmp.resolve("repo"))) {
            try (RepoLock shared = RepoLock.acquire(repo, false, Clock.systemUTC())) {
                try (RepoLock other = RepoLock.acquire(repo, false, Clock.systemUTC())) {
                    assertThrows(RepositoryLockedException.class, () -> RepoLock.acquire(repo, true, Clock.systemUTC()));
                }
            }
            final Process dead = new ProcessBuilder("true").start();
            dead.waitFor();
            // same host name, another machine (a cloned image, a container): its pid proves nothing here
            for (final String machine : new String[] {"another-boot:pid:[1]", null}) {
                final Handle other = repo.saveUnpacked(FileType.LOCK, RepoLock.KIND, lock(HostInfo.hostName(),
                        machine, dead.pid()));
                final RepositoryLockedException locked = assertThrows(RepositoryLockedException.class,
                        () -> RepoLock.acquire(repo, true, Clock.systemUTC()), "machine " + machine);
                assertTrue(locked.getMessage().contains("'vigil repo unlock --remove-all' removes it now"),
                        "plain unlock would not remove it: " + locked.getMessage());
                repo.backend().remove(other);
            }
            assertNotNull(HostInfo.machine(), "Linux tells its boot and pid namespace");
            repo.saveUnpacked(FileType.LOCK, RepoLock.KIND, lock(HostInfo.hostName(), HostInfo.machine(), dead.pid()));
            try (RepoLock lock = RepoLock.acquire(repo, true, Clock.systemUTC())) {
                assertEquals(1, RepoLock.list(repo, Clock.systemUTC()).size(), "the dead process's lock was removed");
            }
        }
    }

    private static byte[] lock(final String host, final String machine, final long pid) {
        return ("{\"time\":\"" + java.time.Instant.now() + "\",\"host\":\"" + host + "\",\"pid\":" + pid
                + ",\"username\":\"x\",\"exclusive\":true,\"machine\":" + (machine == null ? "null"
                : "\"" + machine + "\"") + "}").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void shouldOpenWithAnotherKeysPasswordWhenAKeyFileIsDamaged() throws Exception {
        final S3LikeBackend store = new S3LikeBackend(); // lists in name order: the damaged file comes first
        try (Repository repo = TestRepos.create(store)) {
            repo.addKey("second".toCharArray(), 1024, Clock.systemUTC());
        }
        store.save(new Handle(FileType.KEY, "0".repeat(64)), new byte[325]);
        try (Repository repo = Repository.open(store, "second".toCharArray())) {
            assertNotNull(repo.keyName());
        }
        final WrongPasswordException wrong = assertThrows(WrongPasswordException.class, () -> Repository.open(store,
                "third".toCharArray()));
        assertTrue(wrong.getMessage().contains("1 of 3 key files cannot be read"), wrong.getMessage());
    }

    @Test
    void shouldRefuseAKeyFileWhoseScryptParametersWouldExhaustMemoryAndOpenWithAnother() throws Exception {
        final S3LikeBackend store = new S3LikeBackend(); // lists in name order: the hostile file comes first
        TestRepos.create(store).close();
        final String hostile = new String(dev.vigil.backup.crypto.KeyFile.create(dev.vigil.backup.crypto.MasterKey
                .random(), TestRepos.PASSWORD, 1024, java.time.Instant.now(), "h", "u").toBytes(),
                StandardCharsets.UTF_8).replaceFirst("\"r\" : 8", "\"r\" : 1048576"); // 128 GiB per try
        assertTrue(hostile.contains("1048576"), hostile);
        store.save(new Handle(FileType.KEY, "0".repeat(64)), hostile.getBytes(StandardCharsets.UTF_8));
        try (Repository repo = Repository.open(store, TestRepos.PASSWORD)) {
            assertNotNull(repo.keyName());
        }
        final WrongPasswordException wrong = assertThrows(WrongPasswordException.class, () -> Repository.open(store,
                "other".toCharArray()));
        assertTrue(wrong.getMessage().contains("scrypt parameters N=1024 r=1048576 p=1 are out of range"),
                wrong.getMessage());
    }

    @Test
    void shouldNotTakeALockItCouldNotReadForStaleAndRemoveIt() throws Exception {
        final MemoryBackend memory = new MemoryBackend();
        final java.util.concurrent.atomic.AtomicBoolean failLockReads = new java.util.concurrent.atomic.AtomicBoolean();
        final Backend flaky = new Backend() {
            @Override
            public String location() {
                return memory.location();
            }

            @Override
            public void save(final Handle handle, final byte[] data) throws java.io.IOException {
                memory.save(handle, data);
            }

            @Override
            public byte[] load(final Handle handle, final long offset, final int length) throws java.io.IOException {
                return memory.load(handle, offset, length);
            }

            @Override
            public byte[] load(final Handle handle) throws java.io.IOException {
                if (handle.type() == FileType.LOCK && failLockReads.get()) {
                    throw new java.io.IOException("connection reset"); // a transient failure of the store
                }
                return memory.load(handle);
            }

            @Override
            public java.util.List<FileInfo> list(final FileType type) {
                return memory.list(type);
            }

            @Override
            public java.util.Optional<FileInfo> stat(final Handle handle) {
                return memory.stat(handle);
            }

            @Override
            public void remove(final Handle handle) {
                memory.remove(handle);
            }
        };
        TestRepos.create(flaky).close();
        try (Repository pruning = Repository.open(flaky, TestRepos.PASSWORD);
             RepoLock exclusive = RepoLock.acquire(pruning, true, Clock.systemUTC());
             Repository backup = Repository.open(flaky, TestRepos.PASSWORD)) {
            failLockReads.set(true);
            assertThrows(RetriableBackupException.class, () -> RepoLock.acquire(backup, false, Clock.systemUTC()));
            failLockReads.set(false);
            assertEquals(1, memory.list(FileType.LOCK).size(), "the exclusive lock is still there");
            assertThrows(RepositoryLockedException.class, () -> RepoLock.acquire(backup, false, Clock.systemUTC()));
        }
    }

    @Test
    void shouldSkipAKeyFileOfGigabytesPlantedInTheStoreInsteadOfLoadingIt() throws Exception {
        final Path dir = tmp.resolve("repo");
        final String own;
        try (Repository repo = TestRepos.create(dir)) {
            own = repo.keyName();
        }
        final Path keys = dir.resolve("keys");
        final Path aside = Files.move(keys.resolve(own), tmp.resolve(own));
        // sparse: 3 GiB that take no room, more than an array can hold
        try (java.io.RandomAccessFile huge = new java.io.RandomAccessFile(keys.resolve("0".repeat(64)).toFile(), "rw")) {
            huge.setLength(3L << 30);
        }

        final WrongPasswordException e = assertThrows(WrongPasswordException.class,
                () -> Repository.open(new LocalBackend(dir, false), TestRepos.PASSWORD));

        assertTrue(e.getMessage().contains("3221225472 bytes, not a key file"), e.getMessage());
        Files.move(aside, keys.resolve(own));
        try (Repository repo = Repository.open(new LocalBackend(dir, false), TestRepos.PASSWORD)) {
            assertEquals(own, repo.keyName());
        }
    }
}
