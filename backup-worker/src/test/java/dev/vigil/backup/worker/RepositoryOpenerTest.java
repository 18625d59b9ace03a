package dev.vigil.backup.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vigil.backup.TestRepos;
import dev.vigil.backup.backend.LocalBackend;
import dev.vigil.backup.repository.Repository;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RepositoryOpenerTest {
    @TempDir
    Path tmp;

    @Test
    void shouldOpenTheRepositoryAnotherProcessCreatedAtTheSameTimeInsteadOfAFailureOrASecondOne() throws Exception {
        final ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 4; round++) {
                final Path dir = tmp.resolve("repo-" + round);
                final CyclicBarrier start = new CyclicBarrier(2);
                final List<Future<String>> workers = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    workers.add(pool.submit(() -> {
                        start.await();
                        try (Repository r = RepositoryOpener.openOrCreate(new LocalBackend(dir, false),
                                TestRepos.PASSWORD, Clock.systemUTC())) {
                            return r.config().id();
                        }
                    }));
                }
                final String first = workers.get(0).get();
                assertEquals(first, workers.get(1).get(), "round " + round + ": both use one repository");
                try (Repository r = TestRepos.open(dir)) {
                    assertEquals(first, r.config().id());
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
