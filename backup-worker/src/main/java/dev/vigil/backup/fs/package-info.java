/**
 * The file system calls the JDK lacks, from the C library through JNA: named pipes, exact symlink targets, times and
 * modes set without opening a file, extended attributes; and {@link dev.vigil.backup.fs.TemporaryFiles}, which keeps
 * a stopped process from leaving its temporary files behind.
 */
package dev.vigil.backup.fs;
