package dev.vigil.backup.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A directory the backup cannot list costs that directory, not the backup: the packaged {@code vigil repo} (the
 * shaded jar, hence an integration test) runs as a user who cannot read it. As root, which reads everything, the
 * run drops to {@code nobody} with {@code setpriv}.
 */
class UnreadableDirectoryIT {
    private static final boolean ROOT = "root".equals(System.getProperty("user.name"));

    @TempDir
    Path dir;

    private Path jar;

    private List<String> command(final String... args) {
        final List<String> cmd = new ArrayList<>();
        if (ROOT) {
            cmd.addAll(List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"));
        }
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(List.of("-Djava.io.tmpdir=" + dir.resolve("tmp"), "-jar", jar.toString()));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("--repo", dir.resolve("repo").toString(), "--password-file", dir.resolve("pw").toString()));
        return cmd;
    }

    private int run(final Path log, final String... args) throws Exception {
        final ProcessBuilder pb = new ProcessBuilder(command(args)).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().put("HOME", dir.toString());
        return pb.start().waitFor();
    }

    private void packagedJar() throws Exception {
        final Path built;
        try (Stream<Path> s = Files.list(Path.of("target"))) {
            built = s.filter(p -> p.getFileName().toString().endsWith("-repo.jar")).findFirst().orElseThrow();
        }
        assumeTrue(!ROOT || new ProcessBuilder("setpriv", "--version").start().waitFor() == 0, "setpriv");
        jar = Files.copy(built, dir.resolve("vigil-repo.jar"), StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(dir.resolve("pw"), "pw\n");
    }

    /** As root: everything under the test directory to nobody, who must reach it (its parent is open to all). */
    private void toNobody() throws IOException {
        if (ROOT) {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            try (Stream<Path> s = Files.walk(dir)) {
                for (final Path p : s.toList()) {
                    Files.setAttribute(p, "unix:uid", 65534);
                }
            }
        }
    }

    /** As nobody (when root): a new repository, and a first backup of the tree into it. */
    private void firstBackupAsNobody(final Path src) throws Exception {
        Files.createDirectories(dir.resolve("tmp"));
        toNobody();
        assertEquals(0, run(dir.resolve("init.log"), "init", "--kdf-n", "1024"), log("init.log"));
        assertEquals(0, run(dir.resolve("first.log"), "backup", src.toString()), log("first.log"));
    }

    @Test
    void shouldRestoreOverADirectoryMadeReadOnlyByItsOwnerAndNameEachFileItCannotWrite() throws Exception {
        packagedJar();
        final Path src = dir.resolve("src");
        for (final String d : List.of("ro", "z", "theirs")) {
            Files.createDirectories(src.resolve(d));
            for (int i = 1; i <= 3; i++) {
                Files.writeString(src.resolve(d + "/f" + i), "original " + d + i);
            }
        }
        Files.createDirectories(dir.resolve("tmp"));
        toNobody();
        Files.setPosixFilePermissions(src.resolve("ro"), PosixFilePermissions.fromString("r-xr-xr-x"));
        assertEquals(0, run(dir.resolve("init.log"), "init", "--kdf-n", "1024"), log("init.log"));
        assertEquals(0, run(dir.resolve("backup.log"), "backup", src.toString()), log("backup.log"));
        // every file changed; "theirs" then belongs to someone else and is read-only: nobody cannot write there
        for (final String d : List.of("ro", "z", "theirs")) {
            Files.setPosixFilePermissions(src.resolve(d), PosixFilePermissions.fromString("rwxr-xr-x"));
            for (int i = 1; i <= 3; i++) {
                Files.writeString(src.resolve(d + "/f" + i), "changed");
            }
        }
        Files.setPosixFilePermissions(src.resolve("ro"), PosixFilePermissions.fromString("r-xr-xr-x"));
        final boolean othersDir = ROOT;
        if (othersDir) {
            Files.setAttribute(src.resolve("theirs"), "unix:uid", 0);
            Files.setPosixFilePermissions(src.resolve("theirs"), PosixFilePermissions.fromString("r-xr-xr-x"));
        }
        try {
            final int code = run(dir.resolve("restore.log"), "restore", "latest", "--target", src.toString(),
                    "--overwrite");
            for (int i = 1; i <= 3; i++) {
                assertEquals("original ro" + i, Files.readString(src.resolve("ro/f" + i)), log("restore.log"));
                assertEquals("original z" + i, Files.readString(src.resolve("z/f" + i)), log("restore.log"));
            }
            assertEquals("r-xr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(src.resolve("ro"))),
                    "the read-only directory is read-only again");
            if (othersDir) {
                assertEquals(ExitCodes.FAILED, code, log("restore.log"));
                for (int i = 1; i <= 3; i++) {
                    assertTrue(log("restore.log").contains("theirs/f" + i + ": cannot write: permission denied"),
                            log("restore.log"));
                    assertEquals("changed", Files.readString(src.resolve("theirs/f" + i)));
                }
            } else {
                assertEquals(0, code, log("restore.log"));
            }
        } finally {
            Files.setPosixFilePermissions(src.resolve("theirs"), PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @Test
    void shouldRestoreOverADirectoryItsOwnerClosedEntirelyOrLeftOnlyWritable() throws Exception {
        packagedJar();
        final Path src = dir.resolve("src");
        for (final String d : List.of("closed", "dropbox")) {
            Files.createDirectories(src.resolve(d));
            Files.writeString(src.resolve(d + "/f"), "original " + d);
        }
        firstBackupAsNobody(src);
        // since the backup: the files changed, one directory closed (000), the other only writable (0300)
        for (final String d : List.of("closed", "dropbox")) {
            Files.writeString(src.resolve(d + "/f"), "changed");
        }
        Files.setPosixFilePermissions(src.resolve("closed"), PosixFilePermissions.fromString("---------"));
        Files.setPosixFilePermissions(src.resolve("dropbox"), PosixFilePermissions.fromString("-wx------"));

        final int code = run(dir.resolve("restore.log"), "restore", "latest", "--target", src.toString(),
                "--overwrite");

        assertEquals(0, code, log("restore.log"));
        for (final String d : List.of("closed", "dropbox")) {
            assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(src.resolve(d))),
                    "the snapshot's mode: " + log("restore.log"));
            assertEquals("original " + d, Files.readString(src.resolve(d + "/f")), log("restore.log"));
        }
    }

    @Test
    void shouldRestoreWhatIsMissingInADirectoryMadeReadOnlyAndGiveItItsModeBack() throws Exception {
        packagedJar();
        final Path src = dir.resolve("src");
        Files.createDirectories(src.resolve("archive"));
        Files.writeString(src.resolve("archive/2019.pdf"), "kept");
        Files.writeString(src.resolve("archive/2020.pdf"), "deleted since");
        firstBackupAsNobody(src);
        Files.delete(src.resolve("archive/2020.pdf"));
        // read-only since, setgid kept (a group's shared directory: of a group of the user, else chmod drops the bit)
        if (ROOT) {
            Files.setAttribute(src.resolve("archive"), "unix:gid", 65534);
        }
        Files.setAttribute(src.resolve("archive"), "unix:mode", 02555);

        final int code = run(dir.resolve("restore.log"), "restore", "latest", "--target", src.toString(),
                "--missing-only");

        assertEquals(0, code, log("restore.log"));
        assertEquals("deleted since", Files.readString(src.resolve("archive/2020.pdf")), log("restore.log"));
        assertEquals(02555, (Integer) Files.getAttribute(src.resolve("archive"), "unix:mode") & 07777,
                "missing-only keeps the directory's own mode: " + log("restore.log"));
    }

    @Test
    void shouldBackUpTheRestAndKeepTheParentsVersionOfADirectoryItCannotList() throws Exception {
        packagedJar();
        final Path src = dir.resolve("src");
        Files.createDirectories(src.resolve("ok"));
        Files.createDirectories(src.resolve("locked"));
        Files.writeString(src.resolve("ok/a"), "a");
        Files.writeString(src.resolve("locked/b"), "b");
        firstBackupAsNobody(src);
        Files.setAttribute(src.resolve("locked"), "unix:uid", 0);
        Files.setPosixFilePermissions(src.resolve("locked"), PosixFilePermissions.fromString("---------"));
        try {
            final int code = run(dir.resolve("second.log"), "backup", src.toString());
            assertEquals(ExitCodes.INCOMPLETE, code, log("second.log"));
            assertTrue(log("second.log").contains("cannot list: permission denied")
                    && log("second.log").contains("kept the parent's"),
                    log("second.log"));
            assertEquals(0, run(dir.resolve("ls.log"), "ls", "latest"), log("ls.log"));
            assertTrue(log("ls.log").contains("/locked/b") && log("ls.log").contains("/ok/a"), log("ls.log"));
        } finally {
            Files.setPosixFilePermissions(src.resolve("locked"), PosixFilePermissions.fromString("rwx------"));
        }
    }

    private String log(final String name) throws IOException {
        return Files.readString(dir.resolve(name), StandardCharsets.UTF_8);
    }

    @Test
    void shouldKeepTheParentsVersionOfWhatItCannotStatInADirectoryItMayListButNotEnter() throws Exception {
        packagedJar();
        final Path src = dir.resolve("src");
        Files.createDirectories(src.resolve("noexec/sub"));
        Files.writeString(src.resolve("noexec/a"), "a");
        Files.writeString(src.resolve("noexec/sub/b"), "b");
        firstBackupAsNobody(src);
        // r without x: its names can be listed, but nothing in it can be stat()ed or opened
        Files.setAttribute(src.resolve("noexec"), "unix:uid", 0);
        Files.setPosixFilePermissions(src.resolve("noexec"), PosixFilePermissions.fromString("rwxr--r--"));
        try {
            final int code = run(dir.resolve("second.log"), "backup", src.toString());
            assertEquals(ExitCodes.INCOMPLETE, code, log("second.log"));
            assertTrue(log("second.log").contains(src.resolve("noexec/a") + ": cannot stat: permission denied; kept "
                    + "the parent's version"), log("second.log"));
            assertEquals(0, run(dir.resolve("ls.log"), "ls", "latest"), log("ls.log"));
            assertTrue(log("ls.log").contains("/noexec/a") && log("ls.log").contains("/noexec/sub/b"), log("ls.log"));
        } finally {
            Files.setPosixFilePermissions(src.resolve("noexec"), PosixFilePermissions.fromString("rwx------"));
        }
    }

    @Test
    void shouldSayItKeptTheParentsVersionOfAFileItMayNotRead() throws Exception {
        packagedJar();
        final Path src = dir.resolve("src");
        Files.createDirectories(src);
        Files.writeString(src.resolve("secret"), "s");
        firstBackupAsNobody(src);
        Files.writeString(src.resolve("secret"), "changed");
        Files.writeString(src.resolve("new-secret"), "n");
        Files.setAttribute(src.resolve("secret"), "unix:uid", 0);
        Files.setAttribute(src.resolve("new-secret"), "unix:uid", 0);
        Files.setPosixFilePermissions(src.resolve("secret"), PosixFilePermissions.fromString("---------"));
        Files.setPosixFilePermissions(src.resolve("new-secret"), PosixFilePermissions.fromString("---------"));
        final int code = run(dir.resolve("second.log"), "backup", src.toString());
        assertEquals(ExitCodes.INCOMPLETE, code, log("second.log"));
        assertTrue(log("second.log").contains(src.resolve("secret") + ": cannot read: permission denied; kept the "
                + "parent's version"), log("second.log"));
        assertTrue(log("second.log").contains(src.resolve("new-secret") + ": cannot read: permission denied; left "
                + "out"), log("second.log"));
    }
}
