package dev.vigil.backup;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the worker reports as worth retrying: a write that failed for good is not. */
class BackupExceptionTest {
    @Test
    void shouldNotCallAPermissionOrAReadOnlyStoreRetriable(@TempDir final Path dir) throws Exception {
        assertFalse(BackupException.isRetriable(BackupException.ofWrite("pack p",
                new AccessDeniedException(dir.resolve("x").toString()))));
        assertTrue(BackupException.isRetriable(BackupException.ofWrite("pack p",
                new IOException("No space left on device"))), "a full disk may have room later");
        final Path readOnly = Files.createDirectories(dir.resolve("ro"));
        org.junit.jupiter.api.Assumptions.assumeTrue(TestShell.succeeds("mount --bind " + readOnly + " " + readOnly
                + " && mount -o remount,bind,ro " + readOnly), "mount (root)");
        try {
            final BackupException e = BackupException.ofWrite("lock l", new FileSystemException(
                    readOnly.resolve(".tmp-1").toString(), null, "Read-only file system"));
            assertFalse(BackupException.isRetriable(e), e.getMessage());
            assertTrue(e.getMessage().endsWith(".tmp-1: Read-only file system"), e.getMessage());
        } finally {
            TestShell.succeeds("umount " + readOnly);
        }
    }
}
