package dev.vigil.collector.logs;

/**
 * How far one file has been read, by file identity. Everything before {@code offset} has been
 * accepted by the outbox; a restart resumes there.
 *
 * @param identity the file's device:inode
 * @param path where the file was last seen
 * @param offset byte offset of the first byte not yet published
 * @param generation how often the file was truncated in place (copytruncate); part of record ids,
 *     so offsets reused after a truncation give new ids
 * @param headLength how many leading bytes {@code headHash} covers (at most {@link Harvester#HEAD_BYTES})
 * @param headHash CRC32C of the file's first {@code headLength} bytes: a changed head means the file
 *     was truncated and rewritten, or the inode was reused by another file
 * @param inLongLine whether {@code offset} is inside a line longer than {@code logs.max.line.bytes} whose head was
 *     published: the rest of it, up to its newline, is skipped after a restart as it would have been without one
 *     (false in checkpoints saved before it existed)
 */
public record Checkpoint(String identity, String path, long offset, long generation, int headLength, long headHash,
                         boolean inLongLine) {
}
