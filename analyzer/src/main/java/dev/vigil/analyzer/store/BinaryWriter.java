package dev.vigil.analyzer.store;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A growable byte buffer with compact encodings (zig-zag varints) for state codecs. Not thread-safe. */
public final class BinaryWriter {
    private byte[] buf;
    private int size;

    /** @param capacity initial capacity in bytes */
    public BinaryWriter(final int capacity) {
        buf = new byte[Math.max(16, capacity)];
    }

    private void ensure(final int extra) {
        if (size + extra > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + extra));
        }
    }

    /**
     * @param b one byte
     * @return this writer
     */
    public BinaryWriter writeByte(final int b) {
        ensure(1);
        buf[size++] = (byte) b;
        return this;
    }

    /**
     * Writes a signed long as a zig-zag varint: 1 byte for -64..63, at most 10.
     *
     * @param value the value
     * @return this writer
     */
    public BinaryWriter writeLong(final long value) {
        long v = (value << 1) ^ (value >> 63);
        ensure(10);
        while ((v & ~0x7FL) != 0) {
            buf[size++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[size++] = (byte) v;
        return this;
    }

    /**
     * @param value the value, 8 bytes
     * @return this writer
     */
    public BinaryWriter writeDouble(final double value) {
        return writeFixed64(Double.doubleToRawLongBits(value));
    }

    /**
     * @param value 8 bytes, little-endian
     * @return this writer
     */
    public BinaryWriter writeFixed64(final long value) {
        ensure(8);
        for (int i = 0; i < 8; i++) {
            buf[size++] = (byte) (value >>> (8 * i));
        }
        return this;
    }

    /**
     * @param value the flag
     * @return this writer
     */
    public BinaryWriter writeBoolean(final boolean value) {
        return writeByte(value ? 1 : 0);
    }

    /**
     * @param value UTF-8 text with its length in front; null is written as length -1
     * @return this writer
     */
    public BinaryWriter writeString(final String value) {
        if (value == null) {
            return writeLong(-1);
        }
        return writeBytes(value.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * @param value bytes with their length in front; null is written as length -1
     * @return this writer
     */
    public BinaryWriter writeBytes(final byte[] value) {
        if (value == null) {
            return writeLong(-1);
        }
        writeLong(value.length);
        ensure(value.length);
        System.arraycopy(value, 0, buf, size, value.length);
        size += value.length;
        return this;
    }

    /** @return a copy of the bytes written */
    public byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }
}
