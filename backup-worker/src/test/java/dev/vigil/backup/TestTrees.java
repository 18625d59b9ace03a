package dev.vigil.backup;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Random;

/** Builds source trees with the awkward cases a backup must survive. */
public final class TestTrees {
    private TestTrees() {
    }

    /**
     * @param root directory to fill (created)
     * @param seed content seed
     * @throws IOException when it cannot be written
     */
    public static void awkward(final Path root, final long seed) throws IOException {
        final Random random = new Random(seed);
        Files.createDirectories(root.resolve("docs/deep/er/still"));
        Files.createDirectories(root.resolve("empty dir"));
        Files.writeString(root.resolve("docs/readme.txt"), "hello vigil\n".repeat(1000));
        Files.writeString(root.resolve("docs/deep/er/still/note.md"), "# note\n");
        Files.write(root.resolve("empty"), new byte[0]);
        Files.writeString(root.resolve("spaces in name.txt"), "spaces");
        Files.writeString(root.resolve("unicodé ✓ 日本.txt"), "unicode");
        Files.writeString(root.resolve("new\nline"), "newline in the name");
        final byte[] big = new byte[3 << 20];
        random.nextBytes(big);
        Files.write(root.resolve("random.bin"), big);
        final byte[] text = ("line of compressible text " + seed + "\n").repeat(80_000).getBytes(StandardCharsets.UTF_8);
        Files.write(root.resolve("docs/log.txt"), text);
        Files.createSymbolicLink(root.resolve("link-to-readme"), Path.of("docs/readme.txt"));
        Files.createSymbolicLink(root.resolve("dangling"), Path.of("/nonexistent/target"));
        Files.writeString(root.resolve("private.key"), "secret");
        Files.setPosixFilePermissions(root.resolve("private.key"), PosixFilePermissions.fromString("rw-------"));
        Files.writeString(root.resolve("tool.sh"), "#!/bin/sh\necho hi\n");
        Files.setAttribute(root.resolve("tool.sh"), "unix:mode", 04755);
        Files.writeString(root.resolve("docs/hard-a"), "hard linked content");
        Files.createLink(root.resolve("hard-b"), root.resolve("docs/hard-a"));
        try (RandomAccessFile raf = new RandomAccessFile(root.resolve("sparse.img").toFile(), "rw")) {
            raf.setLength(16 << 20);
            raf.seek(8 << 20);
            raf.write("data in the middle of a hole".getBytes(StandardCharsets.UTF_8));
        }
        Files.setLastModifiedTime(root.resolve("docs/readme.txt"), FileTime.fromMillis(1_600_000_000_123L));
    }
}
