/**
 * The file system calls the JDK lacks, from the C library through JNA: named pipes, exact symlink targets, times and
 * modes set without opening a file, extended attributes.
 */
package dev.vigil.backup.fs;
