package dev.vigil.backup.snapshot;

import dev.vigil.backup.InvalidDataException;
import dev.vigil.backup.pack.BlobId;
import java.io.ByteArrayOutputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.RandomAccess;

/** The binary form of one directory listing, a TREE blob (FORMAT.md, Trees and Data). */
public final class Tree {
    private static final byte[] MAGIC = "VTR1".getBytes(StandardCharsets.US_ASCII);
    /** A tree whose entries end with their extended attributes; written only when an entry has some. */
    private static final byte[] MAGIC_XATTRS = "VTR2".getBytes(StandardCharsets.US_ASCII);
    private static final NodeType[] TYPES = NodeType.values();
    /** Type, mode, uid, gid, mtime, ctime, inode, device, links, size. */
    private static final int FIXED = 1 + 4 * 3 + 8 * 4 + 4 + 8;
    /** The shortest entry: an empty name and link target, no chunks. */
    private static final int SHORTEST = 2 + FIXED + 2 + 4;

    private Tree() {
    }

    /**
     * @param nodes a directory's entries, in any order
     * @return the encoded tree, entries sorted by name
     */
    public static byte[] encode(final List<Node> nodes) {
        final List<Node> sorted = new ArrayList<>(nodes);
        sorted.sort(Comparator.comparing(Node::name));
        final Builder tree = new Builder(sorted.size());
        for (int i = 0; i < sorted.size(); i++) {
            tree.set(i, sorted.get(i));
        }
        return tree.finish();
    }

    /**
     * A tree encoded as its entries become known, in any order, each at its place in the directory's sorted listing:
     * a directory of a million files is held as its encoded bytes (about 80 bytes an entry) while the backup works
     * on it, not as a million {@link Node}s with their strings and lists (about 300). Thread-safe.
     */
    public static final class Builder {
        /** The largest piece of the encoded entries: no copy of all of them as they grow. */
        private static final int MAX_SEGMENT = 1 << 20;
        private final int segment;
        private final List<byte[]> segments = new ArrayList<>();
        /** Bytes written into the segments. */
        private int written;
        /** Where each place's entry starts in the segments, its length; -1: no entry there (yet). */
        private final int[] at;
        private final int[] length;
        private int count;
        private boolean xattrs;
        private final ByteArrayOutputStream entry = new ByteArrayOutputStream(256);
        private final ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        private final ByteBuffer fixed = ByteBuffer.allocate(FIXED).order(ByteOrder.LITTLE_ENDIAN);
        private final byte[] id = new byte[BlobId.LENGTH];

        /** @param places the directory's entries, sorted by name, at most; places left empty are left out */
        public Builder(final int places) {
            at = new int[places];
            length = new int[places];
            Arrays.fill(at, -1);
            // about 100 bytes an entry; a directory of a few entries needs no megabyte
            segment = (int) Math.max(256, Math.min(MAX_SEGMENT, Long.highestOneBit(Math.max(1, places) * 100L) * 2));
        }

        /**
         * @param place the entry's place in the directory's listing, sorted by name (as {@link String#compareTo})
         * @param n the entry
         */
        public synchronized void set(final int place, final Node n) {
            if (at[place] >= 0) {
                throw new IllegalStateException("tree entry " + place + " set twice");
            }
            // Written with its extended attributes' count: whether the tree has any is known only at the end.
            entry.reset();
            writeString(entry, n.name());
            fixed.clear().put((byte) n.type().ordinal()).putInt(n.mode()).putInt(n.uid()).putInt(n.gid())
                    .putLong(n.mtimeNanos()).putLong(n.ctimeNanos()).putLong(n.inode()).putLong(n.device())
                    .putInt(n.links()).putLong(n.size());
            entry.write(fixed.array(), 0, FIXED);
            writeString(entry, n.linkTarget());
            if (n.type() == NodeType.DIR) {
                n.subtree().copyTo(id, 0);
                entry.writeBytes(id);
            }
            entry.write(b.clear().putInt(n.content().size()).array(), 0, 4);
            for (final BlobId c : n.content()) {
                c.copyTo(id, 0);
                entry.writeBytes(id);
            }
            writeXattrs(entry, n.xattrs(), b);
            xattrs |= !n.xattrs().isEmpty();
            if (entry.size() > Integer.MAX_VALUE - 8 - written) {
                throw new IllegalArgumentException("tree larger than 2 GiB");
            }
            at[place] = written;
            length[place] = entry.size();
            count++;
            final byte[] bytes = entry.toByteArray();
            for (int done = 0; done < bytes.length; ) {
                final int off = written % segment;
                if (off == 0) {
                    segments.add(new byte[segment]);
                }
                final int len = Math.min(bytes.length - done, segment - off);
                System.arraycopy(bytes, done, segments.get(written / segment), off, len);
                done += len;
                written += len;
            }
        }

        /** @return the encoded tree, its entries in the order of their places; the builder is spent */
        public synchronized byte[] finish() {
            // without extended attributes, VTR1: each entry without its count of them (two zero bytes at its end)
            final int cut = xattrs ? 0 : 2;
            final byte[] out = new byte[8 + written - cut * count];
            System.arraycopy(xattrs ? MAGIC_XATTRS : MAGIC, 0, out, 0, 4);
            ByteBuffer.wrap(out, 4, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(count);
            // Entries set in the order of their places (a flat directory's files, mostly) are copied segment after
            // segment, and each segment is let go once passed: the tree is not held twice while it is copied.
            boolean inOrder = true;
            for (int i = 0, last = -1; i < at.length && inOrder; i++) {
                inOrder = at[i] < 0 || at[i] > last;
                last = Math.max(last, at[i]);
            }
            int pos = 8;
            for (int i = 0; i < at.length; i++) {
                if (at[i] >= 0) {
                    copy(at[i], out, pos, length[i] - cut);
                    pos += length[i] - cut;
                    for (int s = at[i] / segment - 1; inOrder && s >= 0 && segments.get(s) != null; s--) {
                        segments.set(s, null);
                    }
                }
            }
            segments.clear();
            return out;
        }

        private void copy(final int from, final byte[] to, final int toOffset, final int len) {
            for (int done = 0; done < len; ) {
                final int p = from + done;
                final int n = Math.min(len - done, segment - p % segment);
                System.arraycopy(segments.get(p / segment), p % segment, to, toOffset + done, n);
                done += n;
            }
        }
    }

    private static void writeXattrs(final ByteArrayOutputStream out, final List<Xattr> xattrs, final ByteBuffer b) {
        if (xattrs.size() > 0xffff) {
            throw new IllegalArgumentException("more than 65535 extended attributes");
        }
        writeU16(out, xattrs.size());
        for (final Xattr x : xattrs) {
            final byte[] name = x.name().getBytes(StandardCharsets.ISO_8859_1);
            writeU16(out, name.length);
            out.writeBytes(name);
            out.write(b.clear().putInt(x.value().length).array(), 0, 4);
            out.writeBytes(x.value());
        }
    }

    private static List<Xattr> readXattrs(final ByteBuffer in) {
        final int count = readU16(in);
        final List<Xattr> xattrs = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            final byte[] name = new byte[readU16(in)];
            in.get(name);
            final int len = in.getInt();
            if (len < 0 || len > in.remaining()) {
                throw new IllegalArgumentException("extended attribute longer than the tree");
            }
            final byte[] value = new byte[len];
            in.get(value);
            xattrs.add(new Xattr(new String(name, StandardCharsets.ISO_8859_1), value));
        }
        return List.copyOf(xattrs);
    }

    private static void writeString(final ByteArrayOutputStream out, final String s) {
        final byte[] bytes = FileNames.encode(s);
        if (bytes.length > 0xffff) {
            throw new IllegalArgumentException("name or link target longer than 65535 bytes: " + s.substring(0, 40));
        }
        writeU16(out, bytes.length);
        out.writeBytes(bytes);
    }

    /**
     * @param plain a TREE blob's plaintext
     * @param what the blob, for messages
     * @return its entries, sorted by name; read-only, each decoded when it is got (the list holds the plaintext and an
     *     offset per entry, not a {@link Node} each: a directory of a million entries is its 80-odd MB, not 300)
     * @throws InvalidDataException when it is not a tree (every entry is checked here, none fails when got)
     */
    public static List<Node> decode(final byte[] plain, final String what) {
        try {
            final ByteBuffer in = ByteBuffer.wrap(plain).order(ByteOrder.LITTLE_ENDIAN);
            final byte[] magic = new byte[4];
            in.get(magic);
            final boolean xattrs = Arrays.equals(magic, MAGIC_XATTRS);
            if (!xattrs && !Arrays.equals(magic, MAGIC)) {
                throw new InvalidDataException(what + ": not a tree (bad magic)");
            }
            final int count = in.getInt();
            if (count < 0 || count > in.remaining() / SHORTEST) {
                throw new InvalidDataException(what + ": truncated or malformed tree");
            }
            final int[] at = new int[count];
            for (int i = 0; i < count; i++) {
                at[i] = in.position();
                skipEntry(in, xattrs);
            }
            return new Entries(plain, at, xattrs);
        } catch (BufferUnderflowException | IllegalArgumentException e) {
            throw new InvalidDataException(what + ": truncated or malformed tree");
        }
    }

    /** Moves past one entry, checking that it is whole. */
    private static void skipEntry(final ByteBuffer in, final boolean xattrs) {
        skip(in, readU16(in));
        final int type = in.get();
        if (type < 0 || type >= TYPES.length) {
            throw new IllegalArgumentException("unknown type " + type);
        }
        skip(in, FIXED - 1);
        skip(in, readU16(in));
        if (TYPES[type] == NodeType.DIR) {
            skip(in, BlobId.LENGTH);
        }
        final int chunks = in.getInt();
        if (chunks < 0 || chunks > in.remaining() / BlobId.LENGTH) {
            throw new IllegalArgumentException("chunk count " + chunks);
        }
        skip(in, chunks * BlobId.LENGTH);
        if (xattrs) {
            for (int x = readU16(in); x > 0; x--) {
                skip(in, readU16(in));
                final int len = in.getInt();
                if (len < 0) {
                    throw new IllegalArgumentException("extended attribute length " + len);
                }
                skip(in, len);
            }
        }
    }

    /** @throws IllegalArgumentException when fewer than n bytes are left */
    private static void skip(final ByteBuffer in, final int n) {
        in.position(in.position() + n);
    }

    /** A decoded tree's entries, each read from the plaintext when it is got. */
    private static final class Entries extends AbstractList<Node> implements RandomAccess {
        private final byte[] plain;
        private final int[] at;
        private final boolean xattrs;

        Entries(final byte[] plain, final int[] at, final boolean xattrs) {
            this.plain = plain;
            this.at = at;
            this.xattrs = xattrs;
        }

        @Override
        public Node get(final int i) {
            final ByteBuffer in = ByteBuffer.wrap(plain).order(ByteOrder.LITTLE_ENDIAN).position(at[i]);
            final String name = readString(in);
            final NodeType type = TYPES[in.get()];
            final int mode = in.getInt();
            final int uid = in.getInt();
            final int gid = in.getInt();
            final long mtime = in.getLong();
            final long ctime = in.getLong();
            final long inode = in.getLong();
            final long device = in.getLong();
            final int links = in.getInt();
            final long size = in.getLong();
            final String target = readString(in);
            final BlobId subtree = type == NodeType.DIR ? readId(in) : null;
            final int chunks = in.getInt();
            final List<BlobId> content = new ArrayList<>(chunks);
            for (int c = 0; c < chunks; c++) {
                content.add(readId(in));
            }
            return new Node(name, type, mode, uid, gid, mtime, ctime, inode, device, links, size, target, subtree,
                    content, xattrs ? readXattrs(in) : List.of());
        }

        @Override
        public int size() {
            return at.length;
        }
    }

    private static String readString(final ByteBuffer in) {
        final int len = readU16(in);
        final byte[] bytes = new byte[len];
        in.get(bytes);
        return FileNames.decode(bytes);
    }

    private static BlobId readId(final ByteBuffer in) {
        final byte[] id = new byte[BlobId.LENGTH];
        in.get(id);
        return BlobId.wrap(id);
    }

    /** Writes a length or count below 65536 as two bytes, little-endian. */
    private static void writeU16(final ByteArrayOutputStream out, final int n) {
        out.write(n & 0xff);
        out.write(n >>> 8);
    }

    private static int readU16(final ByteBuffer in) {
        return (in.get() & 0xff) | (in.get() & 0xff) << 8;
    }
}
