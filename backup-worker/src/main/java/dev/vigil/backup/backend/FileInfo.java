package dev.vigil.backup.backend;

/**
 * What a listing says about one stored file.
 *
 * @param handle the file
 * @param size its length in bytes
 */
public record FileInfo(Handle handle, long size) {
}
