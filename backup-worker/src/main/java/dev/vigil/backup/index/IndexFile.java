package dev.vigil.backup.index;

import dev.vigil.backup.InvalidDataException;
import dev.vigil.backup.pack.BlobId;
import dev.vigil.backup.pack.BlobType;
import dev.vigil.backup.pack.PackedBlob;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The plaintext of one index file: packs and the blobs each holds (see FORMAT.md, Indexing). */
public final class IndexFile {
    /** Kind name authenticated with index files. */
    public static final String KIND = "index";
    /**
     * Blobs per index file written (restic's limit too): sealing one file holds it about four times over (encoded,
     * compressed, framed, encrypted), and reading one holds an object per blob of it; a pack is never split, so a file
     * holds more only when one pack does.
     */
    public static final int MAX_BLOBS = 50_000;
    private static final byte[] MAGIC = "VIX1".getBytes(StandardCharsets.US_ASCII);
    private static final int ENTRY = 1 + 1 + 4 + 4 + 4 + BlobId.LENGTH;
    private static final HexFormat HEX = HexFormat.of();

    private IndexFile() {
    }

    /**
     * @param packs pack name → its blobs
     * @return the encoded plaintext
     */
    public static byte[] encode(final Map<String, List<PackedBlob>> packs) {
        int size = MAGIC.length + 4;
        for (final List<PackedBlob> blobs : packs.values()) {
            size += 32 + 4 + blobs.size() * ENTRY;
        }
        final ByteBuffer out = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC).putInt(packs.size());
        final byte[] id = new byte[BlobId.LENGTH];
        for (final Map.Entry<String, List<PackedBlob>> e : packs.entrySet()) {
            out.put(HEX.parseHex(e.getKey())).putInt(e.getValue().size());
            for (final PackedBlob b : e.getValue()) {
                out.put(b.type().code()).put((byte) (b.compressed() ? 1 : 0)).putInt(b.offset())
                        .putInt(b.storedLength()).putInt(b.rawLength());
                b.id().copyTo(id, 0);
                out.put(id);
            }
        }
        return out.array();
    }

    /**
     * @param packs pack name → its blobs
     * @return the packs in order, in groups of at most {@link #MAX_BLOBS} blobs (a pack of more alone): one per file
     */
    public static List<Map<String, List<PackedBlob>>> parts(final Map<String, List<PackedBlob>> packs) {
        final List<Map<String, List<PackedBlob>>> parts = new ArrayList<>();
        Map<String, List<PackedBlob>> part = new LinkedHashMap<>();
        int blobs = 0;
        for (final Map.Entry<String, List<PackedBlob>> e : packs.entrySet()) {
            if (blobs > 0 && blobs + e.getValue().size() > MAX_BLOBS) {
                parts.add(part);
                part = new LinkedHashMap<>();
                blobs = 0;
            }
            part.put(e.getKey(), e.getValue());
            blobs += e.getValue().size();
        }
        if (!part.isEmpty()) {
            parts.add(part);
        }
        return parts;
    }

    /** @return the plaintext to read on from just after its magic, which must be an index's */
    private static ByteBuffer afterMagic(final byte[] plain, final String what) {
        final ByteBuffer in = ByteBuffer.wrap(plain).order(ByteOrder.LITTLE_ENDIAN);
        final byte[] magic = new byte[MAGIC.length];
        in.get(magic);
        if (!java.util.Arrays.equals(magic, MAGIC)) {
            throw new InvalidDataException(what + ": not an index (bad magic)");
        }
        return in;
    }

    /**
     * Counts an index file's blobs without decoding them (to size the in-memory index before loading).
     *
     * @param plain an index file's plaintext
     * @param what the file, for messages
     * @return how many blob entries it holds
     * @throws InvalidDataException when it is not an index
     */
    public static long count(final byte[] plain, final String what) {
        try {
            final ByteBuffer in = afterMagic(plain, what);
            final int packs = in.getInt();
            long blobs = 0;
            for (int p = 0; p < packs; p++) {
                in.position(in.position() + 32);
                final int count = in.getInt();
                in.position(Math.addExact(in.position(), Math.multiplyExact(count, ENTRY)));
                blobs += count;
            }
            return blobs;
        } catch (BufferUnderflowException | IllegalArgumentException | ArithmeticException e) {
            throw new InvalidDataException(what + ": truncated or malformed index");
        }
    }

    /**
     * @param plain an index file's plaintext
     * @param what the file, for messages
     * @return pack name → its blobs, in file order
     * @throws InvalidDataException when it is not an index
     */
    public static Map<String, List<PackedBlob>> decode(final byte[] plain, final String what) {
        try {
            final ByteBuffer in = afterMagic(plain, what);
            final int packs = in.getInt();
            final Map<String, List<PackedBlob>> out = new LinkedHashMap<>();
            final byte[] name = new byte[32];
            for (int p = 0; p < packs; p++) {
                in.get(name);
                final int count = in.getInt();
                final List<PackedBlob> blobs = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    final BlobType type = BlobType.of(in.get());
                    final boolean compressed = (in.get() & 1) != 0;
                    final int offset = in.getInt();
                    final int stored = in.getInt();
                    final int raw = in.getInt();
                    final byte[] id = new byte[BlobId.LENGTH];
                    in.get(id);
                    blobs.add(new PackedBlob(type, BlobId.wrap(id), compressed, offset, stored, raw));
                }
                out.put(HEX.formatHex(name), blobs);
            }
            if (in.hasRemaining()) {
                throw new InvalidDataException(what + ": " + in.remaining() + " trailing bytes");
            }
            return out;
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            throw new InvalidDataException(what + ": truncated or malformed index");
        }
    }
}
