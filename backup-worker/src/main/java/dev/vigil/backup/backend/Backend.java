package dev.vigil.backup.backend;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * A dumb store of named files: it knows nothing of packs, keys or encryption (restic's {@code
 * backend.Backend}, kopia's {@code blob.Storage}). The local file system implements it; an
 * S3-compatible bucket implements it with PUT, ranged GET, LIST, HEAD and DELETE.
 *
 * <p>Files are immutable once saved: saving an existing name with the same content is allowed
 * and does nothing harmful (ids are content hashes). Every method may be called from several
 * threads at once. {@link IOException}s are transient unless they say the file is missing
 * ({@link java.nio.file.NoSuchFileException}).
 */
public interface Backend extends AutoCloseable {
    /** @return where the store is, for messages */
    String location();

    /** @return the directory of a store on this machine's file system, or null (a remote store) */
    default java.nio.file.Path localRoot() {
        return null;
    }

    /**
     * Stores a whole file atomically: readers see all of it or nothing.
     *
     * @param handle its name
     * @param data its content
     * @throws IOException when it cannot be stored
     */
    void save(Handle handle, byte[] data) throws IOException;

    /**
     * Stores the first {@code length} bytes of a buffer as a whole file, atomically; for callers that reuse their
     * buffers (pack writing). A backend that keeps the array it is given must copy it, as this default does.
     *
     * @param handle its name
     * @param data a buffer holding the content from its first byte
     * @param length the content's length
     * @throws IOException when it cannot be stored
     */
    default void save(final Handle handle, final byte[] data, final int length) throws IOException {
        save(handle, java.util.Arrays.copyOf(data, length));
    }

    /**
     * Stores a whole file atomically unless a file of that name exists: of two processes saving the same name at
     * once, exactly one succeeds (S3's PUT with {@code If-None-Match: *}, a hard link on a local file system). For the
     * few files that are not named by their content ({@code config}, the format marker): {@code init} must not
     * replace another process's repository.
     *
     * <p>This default asks then saves, which two processes can both pass: a store that can do better overrides it.
     *
     * @param handle its name
     * @param data its content
     * @throws java.nio.file.FileAlreadyExistsException when a file of that name exists (it is not replaced)
     * @throws IOException when it cannot be stored
     */
    default void saveNew(final Handle handle, final byte[] data) throws IOException {
        if (stat(handle).isPresent()) {
            throw new java.nio.file.FileAlreadyExistsException(handle.toString());
        }
        save(handle, data);
    }

    /**
     * @param handle a file
     * @param offset first byte, &gt;= 0
     * @param length bytes to read, &gt;= 0; fewer only if the file is shorter (a length beyond the file's end is
     *     how a reader bounds what it reads of a file: a store gives what there is, without allocating the length)
     * @return the bytes
     * @throws java.nio.file.NoSuchFileException when the file does not exist
     * @throws IOException on other failures
     */
    byte[] load(Handle handle, long offset, int length) throws IOException;

    /**
     * @param handle a file
     * @return its whole content
     * @throws IOException as {@link #load(Handle, long, int)}
     */
    byte[] load(Handle handle) throws IOException;

    /**
     * @param type a kind of file
     * @return every file of that kind, once each, temporary files excluded, in no particular order
     * @throws IOException when the listing fails
     */
    List<FileInfo> list(FileType type) throws IOException;

    /**
     * @param handle a file
     * @return its size, or empty when it does not exist
     * @throws IOException when the store cannot tell
     */
    Optional<FileInfo> stat(Handle handle) throws IOException;

    /**
     * Removes a file; removing a missing file is not an error.
     *
     * @param handle a file
     * @throws IOException when it cannot be removed
     */
    void remove(Handle handle) throws IOException;

    /**
     * Makes files saved so far durable (fsync), for stores that defer it.
     *
     * @throws IOException when it cannot
     */
    default void sync() throws IOException {
    }

    @Override
    default void close() throws IOException {
    }
}
