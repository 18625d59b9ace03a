package dev.vigil.backup.lock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.backup.RepositoryLockedException;
import dev.vigil.backup.TestRepos;
import dev.vigil.backup.backend.FileType;
import dev.vigil.backup.backend.Handle;
import dev.vigil.backup.repository.Repository;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Locks other hosts left in a real repository: one gone for good, one whose clock ran days ahead. */
class ForeignLockTest {
    @TempDir
    Path tmp;

    private static Handle plant(final Repository repo, final Instant time, final boolean exclusive) throws Exception {
        final byte[] plain = new ObjectMapper().writeValueAsBytes(new RepoLock.Info(time.toString(), "gone-host", 4242,
                "backup", exclusive, "another-boot:pid:[1]"));
        final byte[] sealed = repo.envelope().seal(RepoLock.KIND, plain, true);
        final Handle h = new Handle(FileType.LOCK, Repository.fileId(sealed));
        repo.backend().save(h, sealed);
        return h;
    }

    @Test
    void shouldRemoveAnOldLockOfAnotherHostAndSayWhenOneIsDatedInTheFuture() throws Exception {
        final Clock clock = Clock.systemUTC();
        try (Repository repo = TestRepos.create(tmp.resolve("repo"))) {
            final Handle old = plant(repo, clock.instant().minus(Duration.ofMinutes(31)), true);
            try (RepoLock lock = RepoLock.acquire(repo, true, clock)) {
                assertTrue(repo.backend().stat(old).isEmpty(), "a lock not refreshed for 30 minutes is stale");
            }

            plant(repo, clock.instant().plus(Duration.ofDays(2)), true);
            final RepositoryLockedException e = assertThrows(RepositoryLockedException.class,
                    () -> RepoLock.acquire(repo, false, clock));

            assertTrue(e.getMessage().contains("47 hours ahead of this host's clock (the clock of gone-host ran ahead")
                    && e.getMessage().contains("'vigil repo unlock --remove-all' removes it now"), e.getMessage());
            assertEquals(1, repo.backend().list(FileType.LOCK).size());
        }
    }
}
