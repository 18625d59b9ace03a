package dev.vigil.backup.pack;

import dev.vigil.backup.InvalidDataException;
import dev.vigil.backup.backend.Backend;
import dev.vigil.backup.backend.FileType;
import dev.vigil.backup.backend.Handle;
import dev.vigil.backup.crypto.Envelope;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/** Reads the blob list of a pack from its header at the end of the file. */
public final class PackReader {
    private PackReader() {
    }

    /**
     * @param backend where the pack is
     * @param pack the pack file
     * @param size its length in bytes
     * @param envelope opens the header
     * @return its blobs, in file order
     * @throws IOException when it cannot be read
     * @throws InvalidDataException when the header is damaged
     */
    public static List<PackedBlob> blobs(final Backend backend, final Handle pack, final long size,
                                         final Envelope envelope) throws IOException {
        if (size < 4) {
            throw new InvalidDataException(pack + ": truncated (" + size + " bytes)");
        }
        final byte[] tail = backend.load(pack, size - 4, 4);
        final int headerLength = ByteBuffer.wrap(tail).order(ByteOrder.LITTLE_ENDIAN).getInt();
        if (headerLength <= 0 || headerLength > size - 4 || headerLength > FileType.PACK.maxSize()) {
            throw new InvalidDataException(pack + ": bad header length " + headerLength);
        }
        final byte[] sealed = backend.load(pack, size - 4 - headerLength, headerLength);
        return parse(pack, envelope.open(Packer.HEADER_KIND, sealed, pack + " header"), size - 4 - headerLength);
    }

    /**
     * @param whole the whole pack file
     * @param pack its name, for messages
     * @param envelope opens the header
     * @return its blobs
     */
    public static List<PackedBlob> blobs(final byte[] whole, final Handle pack, final Envelope envelope) {
        if (whole.length < 4) {
            throw new InvalidDataException(pack + ": truncated (" + whole.length + " bytes)");
        }
        final int headerLength = ByteBuffer.wrap(whole, whole.length - 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
        if (headerLength <= 0 || headerLength > whole.length - 4) {
            throw new InvalidDataException(pack + ": bad header length " + headerLength);
        }
        final int start = whole.length - 4 - headerLength;
        return parse(pack, envelope.open(Packer.HEADER_KIND, whole, start, headerLength, pack + " header"), start);
    }

    private static List<PackedBlob> parse(final Handle pack, final byte[] header, final long dataEnd) {
        if (header.length % Packer.ENTRY != 0) {
            throw new InvalidDataException(pack + ": header length " + header.length + " is not a multiple of "
                    + Packer.ENTRY);
        }
        final ByteBuffer in = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
        final List<PackedBlob> out = new ArrayList<>(header.length / Packer.ENTRY);
        int offset = 0;
        while (in.hasRemaining()) {
            final BlobType type = BlobType.of(in.get());
            final boolean compressed = (in.get() & 1) != 0;
            final int raw = in.getInt();
            final int stored = in.getInt();
            final byte[] id = new byte[BlobId.LENGTH];
            in.get(id);
            out.add(new PackedBlob(type, BlobId.wrap(id), compressed, offset, stored, raw));
            offset += stored;
        }
        if (offset != dataEnd) {
            throw new InvalidDataException(pack + ": header lists " + offset + " bytes of blobs, file holds " + dataEnd);
        }
        return out;
    }
}
