/**
 * The file system calls the JDK lacks, from the C library through JNA: named pipes, exact symlink targets, times and
 * modes set without opening a file, extended attributes, files opened without following a link or waiting on a FIFO;
 * {@link dev.vigil.backup.fs.OpenDirectory}, directories held by descriptor so that a walk never enters a link put in
 * a directory's place (each descriptor closed by its last user); {@link dev.vigil.backup.fs.ShortPaths}, paths past
 * PATH_MAX reached through such descriptors; and {@link dev.vigil.backup.fs.TemporaryFiles}, which keeps a stopped
 * process from leaving its temporary files behind.
 */
package dev.vigil.backup.fs;
