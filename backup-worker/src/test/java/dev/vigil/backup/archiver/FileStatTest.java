package dev.vigil.backup.archiver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vigil.backup.fs.NativeFs;
import dev.vigil.backup.fs.OpenDirectory;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The walk stats entries through their directory's descriptor (statx where the C library has it): what it says must
 * be what the JDK's stat by path says, field by field, or every file would look changed to the next backup against a
 * parent made the other way.
 */
class FileStatTest {
    @TempDir
    Path tmp;

    @Test
    void shouldSayThroughADescriptorWhatTheJdkSaysByPath() throws Exception {
        final Path dir = Files.createDirectories(tmp.resolve("d"));
        Files.write(dir.resolve("file"), new byte[12345]);
        Files.setLastModifiedTime(dir.resolve("file"), FileTime.from(Instant.parse("1969-07-20T20:17:40.123456789Z")));
        Files.createDirectories(dir.resolve("sub"));
        Files.createSymbolicLink(dir.resolve("link"), Path.of("/etc/passwd"));
        NativeFs.mkfifo(dir.resolve("fifo"), 0640);
        Files.createLink(dir.resolve("hard"), dir.resolve("file"));
        try (OpenDirectory d = OpenDirectory.open(dir)) {
            for (final String name : List.of("file", "sub", "link", "fifo", "hard")) {
                assertEquals(FileStat.of(dir.resolve(name)), FileStat.of(d, name), name);
            }
            assertThrows(NoSuchFileException.class, () -> FileStat.of(d, "missing"));
        }
        try (OpenDirectory dev = OpenDirectory.open(Path.of("/dev"))) {
            // a character device: its st_rdev as the JDK encodes it
            assertEquals(FileStat.of(Path.of("/dev/null")), FileStat.of(dev, "null"));
        }
    }
}
