package dev.vigil.collector.delivery;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.zip.CRC32C;

/** The frame format of spool segments: {@code [int length][int crc32c][int keyLength][key][value]}. */
final class Frames {
    /** Bytes before the key: length, checksum, key length. */
    static final int HEADER = 12;
    private static final int MAX_READ_BYTES = 4 << 20;

    private Frames() {
    }

    /**
     * Appends one frame to a buffer with room for it.
     *
     * @param out the buffer
     * @param key the key's UTF-8 bytes
     * @param value the value
     */
    static void put(final ByteBuffer out, final byte[] key, final byte[] value) {
        final int start = out.position();
        final int length = 4 + key.length + value.length;
        out.putInt(length).putInt(0).putInt(key.length).put(key).put(value);
        final CRC32C crc = new CRC32C();
        crc.update(out.array(), out.arrayOffset() + start + 8, length);
        out.putInt(start + 4, (int) crc.getValue());
    }

    /**
     * Reads frames from a position, a window of up to 4 MiB per read call (not two calls per
     * frame: the sender reads every record back once).
     *
     * @param path the segment file
     * @param size how much of it holds frames
     * @param from position of the first frame
     * @param maxRecords most frames read
     * @param out receives the records
     * @return the position after the last frame read
     */
    static long read(final Path path, final long size, final long from, final int maxRecords,
                     final List<Spool.Entry> out) throws IOException {
        long pos = from;
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            while (out.size() < maxRecords && pos + HEADER <= size) {
                final ByteBuffer window = readAt(ch, pos, (int) Math.min(size - pos, MAX_READ_BYTES));
                int frames = 0;
                while (out.size() < maxRecords && window.remaining() >= HEADER
                        && window.remaining() >= 8 + window.getInt(window.position())) {
                    final int length = window.getInt();
                    window.getInt(); // checksum: checked when the spool is opened, not on every read
                    final byte[] key = new byte[window.getInt()];
                    window.get(key);
                    final byte[] value = new byte[length - 4 - key.length];
                    window.get(value);
                    out.add(new Spool.Entry(new String(key, StandardCharsets.UTF_8), value));
                    pos += 8 + length;
                    frames++;
                }
                if (frames == 0) {
                    // A frame larger than the window: read exactly that frame next.
                    final int length = readAt(ch, pos, 4).getInt();
                    if (pos + 8 + length > size) {
                        break;
                    }
                    final ByteBuffer one = readAt(ch, pos, 8 + length);
                    final int keyLength = one.getInt(8);
                    final byte[] key = new byte[keyLength];
                    one.position(HEADER).get(key);
                    final byte[] value = new byte[length - 4 - keyLength];
                    one.get(value);
                    out.add(new Spool.Entry(new String(key, StandardCharsets.UTF_8), value));
                    pos += 8 + length;
                }
            }
        }
        return pos;
    }

    private static ByteBuffer readAt(final FileChannel ch, final long position, final int length) throws IOException {
        final ByteBuffer buf = ByteBuffer.allocate(length);
        while (buf.hasRemaining()) {
            if (ch.read(buf, position + buf.position()) < 0) {
                throw new IOException("unexpected end of segment");
            }
        }
        return buf.flip();
    }

    /**
     * @param path a segment file
     * @param size its size
     * @return the end of its last intact frame (a crash may leave a torn one after it)
     */
    static long validEnd(final Path path, final long size) throws IOException {
        long pos = 0;
        try (SeekableByteChannel ch = Files.newByteChannel(path, StandardOpenOption.READ)) {
            final ByteBuffer header = ByteBuffer.allocate(8);
            while (pos + HEADER <= size) {
                header.clear();
                ch.position(pos);
                readFully(ch, header);
                final int length = header.getInt(0);
                if (length < 4 || pos + 8 + length > size) {
                    break;
                }
                final ByteBuffer body = ByteBuffer.allocate(length);
                readFully(ch, body);
                final CRC32C crc = new CRC32C();
                crc.update(body.array());
                if ((int) crc.getValue() != header.getInt(4)) {
                    break;
                }
                pos += 8 + length;
            }
        }
        return pos;
    }

    private static void readFully(final SeekableByteChannel ch, final ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            if (ch.read(buf) < 0) {
                throw new IOException("unexpected end of segment");
            }
        }
    }
}
