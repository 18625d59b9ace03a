package dev.vigil.backup.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.backup.TestRepos;
import dev.vigil.backup.archiver.ArchiveOptions;
import dev.vigil.backup.archiver.Archiver;
import dev.vigil.backup.archiver.Level;
import dev.vigil.backup.repository.Repository;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With fsync on, a file's name is durable before any file naming it is written: a power loss must not keep an index
 * and lose a pack it lists, or keep a snapshot and lose its index. The name lives in the directory, so the directory
 * must be forced after the rename: this test watches the store's saves and the directories forced.
 */
class DurableOrderTest {
    @TempDir
    Path tmp;

    private record Event(long thread, String kind, Handle handle, Path dir) {
    }

    @Test
    void shouldForceEachFilesDirectoryBeforeAnyFileNamingItIsWritten() throws Exception {
        final Path src = tmp.resolve("src");
        Files.createDirectories(src);
        final Random random = new Random(3);
        for (int i = 0; i < 5; i++) {
            final byte[] data = new byte[700 << 10];
            random.nextBytes(data);
            Files.write(src.resolve("f" + i), data);
        }
        final List<Event> events = Collections.synchronizedList(new ArrayList<>());
        final Path dir = tmp.resolve("repo");
        final LocalBackend local = new LocalBackend(dir, true, d -> {
            events.add(new Event(Thread.currentThread().getId(), "dir", null, d));
            try (var ch = java.nio.channels.FileChannel.open(d, java.nio.file.StandardOpenOption.READ)) {
                ch.force(true);
            }
        });
        final Backend watched = new ForwardingBackend(local) {
            @Override
            public void save(final Handle handle, final byte[] data) throws IOException {
                save(handle, data, data.length);
            }

            @Override
            public void save(final Handle handle, final byte[] data, final int length) throws IOException {
                events.add(new Event(Thread.currentThread().getId(), "begin", handle, null));
                super.save(handle, data, length);
                events.add(new Event(Thread.currentThread().getId(), "end", handle, null));
            }

            @Override
            public void saveNew(final Handle handle, final byte[] data) throws IOException {
                events.add(new Event(Thread.currentThread().getId(), "begin", handle, null));
                super.saveNew(handle, data);
                events.add(new Event(Thread.currentThread().getId(), "end", handle, null));
            }
        };
        try (Repository repo = TestRepos.create(watched)) {
            new Archiver(repo, Clock.systemUTC()).backup(src, ArchiveOptions.of("ds", Level.FULL), null);
        }
        final List<Event> all = List.copyOf(events);
        final Set<Handle> begun = new HashSet<>();
        final Set<Handle> durable = new HashSet<>();
        int packs = 0;
        for (int i = 0; i < all.size(); i++) {
            final Event e = all.get(i);
            if ("begin".equals(e.kind())) {
                begun.add(e.handle());
                if (e.handle().type() == FileType.INDEX || e.handle().type() == FileType.SNAPSHOT) {
                    for (final Handle h : begun) {
                        if (h.type() == FileType.PACK || e.handle().type() == FileType.SNAPSHOT
                                && h.type() == FileType.INDEX) {
                            assertTrue(durable.contains(h), h + " is not durable when " + e.handle()
                                    + " is written");
                        }
                    }
                }
            } else if ("end".equals(e.kind())) {
                final Path parent = local.path(e.handle()).getParent();
                boolean forced = false;
                for (int j = i - 1; j >= 0 && !forced; j--) {
                    final Event d = all.get(j);
                    if (d.thread() == e.thread() && "begin".equals(d.kind()) && d.handle().equals(e.handle())) {
                        break;
                    }
                    forced = d.thread() == e.thread() && "dir".equals(d.kind()) && d.dir().equals(parent);
                }
                assertTrue(forced, e.handle() + ": its directory " + parent + " was not forced after it was saved");
                durable.add(e.handle());
                packs += e.handle().type() == FileType.PACK ? 1 : 0;
            }
        }
        assertTrue(packs >= 3, "several packs were written: " + packs);
        assertEquals(1, all.stream().filter(e -> "end".equals(e.kind()) && e.handle().type() == FileType.SNAPSHOT)
                .count());
        assertTrue(all.stream().anyMatch(e -> "dir".equals(e.kind()) && e.dir().equals(dir.resolve("data"))),
                "a new data/xx directory is made durable in data/");
    }
}
