package dev.vigil.schemas;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * I/O errors in words: the JDK's message of a missing file is its bare path, which tells an operator nothing. The
 * one place every module turns a file error into a sentence.
 */
public final class IoErrors {
    private IoErrors() {
    }

    /**
     * @param e an I/O error
     * @return what went wrong, without the path: "no such file or directory", "permission denied"...
     */
    public static String reason(final IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NotDirectoryException) {
            return "not a directory";
        }
        if (e instanceof java.nio.file.FileAlreadyExistsException) {
            return "already exists";
        }
        if (e instanceof java.nio.file.DirectoryNotEmptyException) {
            return "directory not empty";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }

    /**
     * @param e an I/O error
     * @return "path: reason" when the error names a file, else the reason
     */
    public static String describe(final IOException e) {
        return e instanceof FileSystemException f && f.getFile() != null ? f.getFile() + ": " + reason(e) : reason(e);
    }

    /**
     * @param e an I/O error
     * @return whether it is a permission refused or a write to a read-only filesystem: failures that no retry
     *     changes (told by the filesystem, not by the error's text, which the C library may translate)
     */
    public static boolean isPermanent(final IOException e) {
        if (e instanceof AccessDeniedException) {
            return true;
        }
        if (!(e instanceof FileSystemException f) || f.getFile() == null) {
            return false;
        }
        java.nio.file.Path p = java.nio.file.Path.of(f.getFile()).toAbsolutePath();
        while (p != null && !java.nio.file.Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            p = p.getParent();
        }
        // access(2), which answers EROFS for a read-only mount (a bind mount too, where FileStore may not tell)
        return p != null && !java.nio.file.Files.isWritable(p);
    }
}
