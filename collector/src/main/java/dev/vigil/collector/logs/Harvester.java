package dev.vigil.collector.logs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * Reads one open log file, by identity, from a byte offset: splits it into lines, joins lines into
 * records, and hands complete records to a {@link Sink}. The open channel keeps reading a file that
 * was renamed or deleted by rotation.
 *
 * <p>Offsets: {@link #committedOffset()} is the start of the first byte not yet handed over (the
 * start of a pending multi-line record, or the end of the last complete line); a checkpoint at it
 * resumes without loss or repetition. A partial last line stays unread until its newline arrives, or until the
 * file has been idle for the partial-line timeout.
 */
final class Harvester implements AutoCloseable {
    /** Leading bytes whose hash identifies a file's content. */
    static final int HEAD_BYTES = 1024;
    private static final int MAX_BYTES_PER_POLL = 8 << 20;

    /**
     * What a harvester reads: a file through its channel ({@link #of}), or the content of a compressed rotation as it
     * is decompressed ({@link Compressed#content}).
     */
    interface Content extends java.io.Closeable {
        /** @return the content's length in bytes; {@link Long#MAX_VALUE} while not known yet (a stream) */
        long size() throws IOException;

        /**
         * @param dst where the bytes go, from its position; filled unless the content ends first
         * @param position offset of the first byte to read
         * @return bytes read, -1 at the end
         */
        int read(ByteBuffer dst, long position) throws IOException;

        /** @param ch an open file @return its content */
        static Content of(final FileChannel ch) {
            return new Content() {
                @Override
                public long size() throws IOException {
                    return ch.size();
                }

                @Override
                public int read(final ByteBuffer dst, final long position) throws IOException {
                    return ch.read(dst, position);
                }

                @Override
                public void close() throws IOException {
                    ch.close();
                }
            };
        }
    }

    /** Receives complete records. */
    interface Sink {
        /**
         * @param harvester the file
         * @param text the record, lines joined with '\n'
         * @param offset byte offset of its first line
         * @param truncated whether a line or the record was cut to the bound
         * @param partial whether its last line had no newline yet (the file idle, or closed for good)
         */
        void record(Harvester harvester, String text, long offset, boolean truncated, boolean partial);
    }

    final FileIdentity identity;
    final LineFormat format;
    Path path;
    long generation;
    int headLength;
    long headHash;
    long lastGrowthNanos;
    private final Content channel;
    private final ByteBuffer buffer;
    private long readOffset;
    private long lastSize = -1;
    private boolean skipping;
    private Pending pending;
    /** Whether the first block was examined ({@link BinaryContent}); again after a truncation. */
    private boolean classified;
    /** Why the content is binary and skipped, or null for text. */
    String binary;
    /** Whether the tailer said that it is skipped. */
    boolean binarySaid;
    /** Whether the tailer found it renamed away (rotated), and looked for generations rotated unseen since. */
    boolean rotatedAway;

    /**
     * @param buffer where reads land, from {@link #readBuffer}: nothing is kept in it between calls, so the harvesters
     *     of one thread share one (a buffer each would take 64 KiB to 16 MiB of heap per tailed file)
     */
    Harvester(final Path path, final FileIdentity identity, final long offset, final long generation,
              final LineFormat format, final long nowNanos, final ByteBuffer buffer, final Content channel) {
        this.path = path;
        this.identity = identity;
        this.readOffset = offset;
        this.generation = generation;
        this.format = format;
        this.buffer = buffer;
        this.channel = channel;
        this.lastGrowthNanos = nowNanos;
    }

    /** @param format the line bounds @return a read buffer for the harvesters of one thread */
    static ByteBuffer readBuffer(final LineFormat format) {
        return ByteBuffer.allocate(Math.max(64 * 1024, format.maxLineBytes() + 1));
    }

    /** @return offset a checkpoint should hold */
    long committedOffset() {
        return pending != null ? pending.offset : readOffset;
    }

    /** @return whether the offset is inside an over-long line whose head was handed over: its rest is skipped */
    boolean inLongLine() {
        return skipping && pending == null;
    }

    /** @param skip whether the file is opened inside an over-long line whose head was handed over (a checkpoint) */
    void inLongLine(final boolean skip) {
        skipping = skip;
    }

    /** @return the current size of the open file */
    long size() throws IOException {
        return channel.size();
    }

    /**
     * Whether the file was truncated or rewritten in place since it was last read: shorter than
     * what was read, or different leading bytes.
     */
    boolean truncated() throws IOException {
        final long size = channel.size();
        if (size < readOffset) {
            return true;
        }
        if (size == lastSize || headLength == 0) {
            return false;
        }
        return headHash(channel, headLength) != headHash;
    }

    /**
     * Reads what was appended since the last call and hands complete records to the sink.
     *
     * @param sink receives records
     * @param nowNanos monotonic time, for the multi-line timeout and idleness
     * @return bytes consumed
     */
    long poll(final Sink sink, final long nowNanos) throws IOException {
        final long size = channel.size();
        final long start = readOffset;
        if (!classified && size > 0) {
            classify();
        }
        if (binary != null && size > readOffset) {
            readOffset = size; // skipped, not read: a checkpoint at the end does not read it again after a restart
        }
        while (readOffset < size && readOffset - start < MAX_BYTES_PER_POLL) {
            buffer.clear();
            final int n = channel.read(buffer, readOffset);
            if (n <= 0) {
                break;
            }
            final byte[] bytes = buffer.array();
            int lineStart = 0;
            for (int i = 0; i < n; i++) {
                if (bytes[i] != '\n' && bytes[i] != 0) {
                    continue;
                }
                // A NUL byte ends a line too, and makes none: text logs hold none, and a run of them is a hole where
                // data never reached the disk (a crashed writer, a writer without O_APPEND after copytruncate). The
                // text before it is a torn line, the text after it a new one; the hole itself is no record.
                if (skipping) {
                    skipping = false;
                } else if (bytes[i] == '\n' || i > lineStart) {
                    line(sink, bytes, lineStart, i - lineStart, readOffset + lineStart, nowNanos, false);
                }
                lineStart = i + 1;
            }
            if (lineStart == 0 && n == buffer.capacity()) {
                // A line longer than the buffer: keep its head, skip the rest up to its newline.
                if (!skipping) {
                    line(sink, bytes, 0, n, readOffset, nowNanos, false);
                    skipping = true;
                }
                lineStart = n;
            }
            if (lineStart == 0) {
                break;
            }
            readOffset += lineStart;
        }
        if (size == lastSize && readOffset < size && readOffset - start < MAX_BYTES_PER_POLL && !skipping
                && binary == null && nowNanos - lastGrowthNanos >= format.partialLineTimeoutNanos()) {
            readPartialLine(sink, size, nowNanos);
        }
        if (size != lastSize) {
            lastGrowthNanos = nowNanos;
            if (headLength < HEAD_BYTES && size > headLength) {
                headLength = (int) Math.min(HEAD_BYTES, size);
                headHash = headHash(channel, headLength);
            }
            lastSize = size;
        }
        if (pending != null && nowNanos - pending.lastAppendNanos >= format.multilineTimeoutNanos()) {
            flush(sink);
        }
        return readOffset - start;
    }

    /**
     * Hands over the last line of a file idle for the partial-line timeout although it has no newline: a writer that
     * died mid-line, or one that will end it later (its rest is then a record of its own). Never read again: the
     * offset moves past it.
     */
    private void readPartialLine(final Sink sink, final long size, final long nowNanos) throws IOException {
        buffer.clear();
        final int n = channel.read(buffer, readOffset);
        if (n <= 0 || n != size - readOffset) {
            return; // longer than the buffer: the loop above hands its head over as an over-long line
        }
        line(sink, buffer.array(), 0, n, readOffset, nowNanos, true);
        readOffset += n;
        flush(sink);
    }

    /**
     * Hands over what one {@link #poll} reads, then the rest as the partial last line; used when the file is closed
     * for good (rotated away and idle), once polls read nothing more.
     */
    void drain(final Sink sink, final long nowNanos) throws IOException {
        poll(sink, nowNanos);
        final long size = channel.size();
        if (readOffset < size && !skipping && binary == null) {
            buffer.clear();
            final int n = channel.read(buffer, readOffset);
            if (n > 0) {
                line(sink, buffer.array(), 0, n, readOffset, nowNanos, true);
                readOffset += n;
            }
        }
        flush(sink);
    }

    /** Resets to the start of the file after a truncation; the generation makes new ids. */
    void restart() {
        readOffset = 0;
        lastSize = -1;
        pending = null;
        skipping = false;
        generation++;
        headLength = 0;
        headHash = 0;
        classified = false;
        binary = null;
        binarySaid = false;
    }

    /** Examines the file's first block: a binary file is skipped, never published as lines of U+FFFD. */
    private void classify() throws IOException {
        buffer.clear();
        buffer.limit(Math.min(buffer.capacity(), BinaryContent.SAMPLE_BYTES));
        while (buffer.hasRemaining() && channel.read(buffer, buffer.position()) > 0) {
            // until the block is full or the file ends
        }
        classified = true;
        binary = BinaryContent.reason(buffer.array(), buffer.position(), format.charset());
    }

    private void line(final Sink sink, final byte[] bytes, final int from, final int length, final long offset,
                      final long nowNanos, final boolean partial) {
        int len = length;
        if (len > 0 && bytes[from + len - 1] == '\r') {
            len--;
        }
        final boolean cut = len > format.maxLineBytes();
        int keep = Math.min(len, format.maxLineBytes());
        if (cut && format.charset().equals(java.nio.charset.StandardCharsets.UTF_8)) {
            // not inside a character: its first bytes alone would decode to a replacement character
            while (keep > 0 && (bytes[from + keep] & 0xC0) == 0x80) {
                keep--;
            }
        }
        final String text = new String(bytes, from, keep, format.charset());
        if (format.multilineStart() == null) {
            if (!text.isBlank()) { // a blank line says nothing: not a record of its own
                sink.record(this, text, offset, cut, partial);
            }
            return;
        }
        if (pending == null && text.isBlank()) {
            return;
        }
        if (pending != null && !format.multilineStart().matcher(text).find()
                && pending.lines < format.multilineMaxLines()) {
            pending.lines++;
            pending.lastAppendNanos = nowNanos;
            pending.truncated |= cut;
            pending.partial |= partial;
            // counted in UTF-8 bytes, as the analyzer counts them: characters would let a record of accents through
            // here at twice the size the analyzer takes
            final int added = 1 + utf8Length(text);
            if (pending.bytes + added <= format.maxRecordBytes()) {
                pending.text.append('\n').append(text);
                pending.bytes += added;
            } else {
                pending.truncated = true;
            }
            return;
        }
        flush(sink);
        pending = new Pending(offset, text, cut, nowNanos);
        pending.partial = partial;
    }

    /** @return the length of the text in UTF-8, without encoding it */
    static int utf8Length(final CharSequence text) {
        int n = 0;
        for (int i = 0; i < text.length(); i++) {
            final char c = text.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1))) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }

    private void flush(final Sink sink) {
        if (pending != null) {
            final Pending p = pending;
            pending = null;
            sink.record(this, p.text.toString(), p.offset, p.truncated, p.partial);
        }
    }

    static long headHash(final FileChannel ch, final int length) throws IOException {
        return headHash(Content.of(ch), length);
    }

    static long headHash(final Content ch, final int length) throws IOException {
        final ByteBuffer head = ByteBuffer.allocate(length);
        while (head.hasRemaining()) {
            if (ch.read(head, head.position()) <= 0) {
                break;
            }
        }
        return headHash(head.array(), head.position());
    }

    /** @param head leading bytes @param length how many @return their hash, as {@link #headHash(FileChannel, int)} */
    static long headHash(final byte[] head, final int length) {
        final CRC32C crc = new CRC32C();
        crc.update(head, 0, length);
        return crc.getValue() ^ ((long) length << 32);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    /** A multi-line record being joined. */
    private static final class Pending {
        final long offset;
        final StringBuilder text;
        boolean truncated;
        boolean partial;
        int lines = 1;
        long lastAppendNanos;
        /** The text's length in UTF-8. */
        int bytes;

        Pending(final long offset, final String first, final boolean truncated, final long nowNanos) {
            this.offset = offset;
            this.text = new StringBuilder(first);
            this.bytes = utf8Length(first);
            this.truncated = truncated;
            this.lastAppendNanos = nowNanos;
        }
    }
}
