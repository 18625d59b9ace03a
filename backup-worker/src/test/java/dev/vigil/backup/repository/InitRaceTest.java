package dev.vigil.backup.repository;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.backup.RepositoryExistsException;
import dev.vigil.backup.TestRepos;
import dev.vigil.backup.backend.Backend;
import dev.vigil.backup.backend.FileType;
import dev.vigil.backup.backend.Handle;
import dev.vigil.backup.backend.LocalBackend;
import dev.vigil.backup.backend.RetryingBackend;
import dev.vigil.backup.backend.S3LikeBackend;
import dev.vigil.backup.checker.Checker;
import dev.vigil.backup.crypto.KeyFile;
import dev.vigil.backup.crypto.MasterKey;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two inits of one repository at once: exactly one creates it, the other is told and writes nothing. */
class InitRaceTest {
    @TempDir
    Path tmp;

    /** @return the config ids of the inits that reported success */
    private static List<String> raceInits(final Supplier<Backend> store) throws Exception {
        final ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            final CyclicBarrier start = new CyclicBarrier(2);
            final List<Future<String>> inits = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                inits.add(pool.submit(() -> {
                    final Backend backend = store.get();
                    start.await();
                    try (Repository r = TestRepos.create(backend)) {
                        return r.config().id();
                    } catch (RepositoryExistsException e) {
                        assertTrue(e.getMessage().contains("by another process at the same time")
                                || e.getMessage().contains("exists already"), e.getMessage());
                        return null;
                    }
                }));
            }
            final List<String> ids = new ArrayList<>();
            for (final Future<String> f : inits) {
                if (f.get() != null) {
                    ids.add(f.get());
                }
            }
            return ids;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void shouldLetOnlyOneOfTwoInitsAtOnceCreateALocalRepository() throws Exception {
        for (int round = 0; round < 8; round++) {
            final Path dir = tmp.resolve("repo-" + round);
            final List<String> ids = raceInits(() -> new RetryingBackend(new LocalBackend(dir, false), 3, 1));
            assertEquals(1, ids.size(), "round " + round + ": both inits reported success, with ids " + ids);
            try (Repository repo = TestRepos.open(dir)) {
                assertEquals(ids.get(0), repo.config().id());
                assertEquals(1, repo.backend().list(FileType.KEY).size(), "the loser wrote no key file");
                assertTrue(new Checker(repo).check(1.0, 1).ok());
            }
        }
    }

    @Test
    void shouldLetOnlyOneOfTwoInitsAtOnceCreateARepositoryInAnS3Store() throws Exception {
        for (int round = 0; round < 8; round++) {
            final S3LikeBackend store = new S3LikeBackend();
            final List<String> ids = raceInits(() -> store);
            assertEquals(1, ids.size(), "round " + round + ": both inits reported success, with ids " + ids);
            try (Repository repo = Repository.open(store, TestRepos.PASSWORD)) {
                assertEquals(ids.get(0), repo.config().id());
            }
        }
    }

    @Test
    void shouldOpenWithTheKeyConfigAuthenticatesWithWhenAnotherKeyOpensWithTheSamePassword() throws Exception {
        final S3LikeBackend store = new S3LikeBackend(); // lists in name order: the stray key comes first
        final String id;
        try (Repository repo = TestRepos.create(store)) {
            id = repo.config().id();
        }
        // what two inits at once left before init refused the second: a key of another master key, same password
        store.save(new Handle(FileType.KEY, "0".repeat(64)), KeyFile.create(MasterKey.random(), TestRepos.PASSWORD,
                1024, Instant.now(), "h", "u").toBytes());
        try (Repository repo = Repository.open(store, TestRepos.PASSWORD)) {
            assertEquals(id, repo.config().id());
            assertTrue(!repo.keyName().equals("0".repeat(64)));
        }
    }
}
