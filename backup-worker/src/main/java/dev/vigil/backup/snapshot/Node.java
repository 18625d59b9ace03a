package dev.vigil.backup.snapshot;

import dev.vigil.backup.pack.BlobId;
import java.util.List;

/**
 * One entry of a directory in a snapshot.
 *
 * @param name file name (any characters but '/' and NUL)
 * @param type what it is
 * @param mode permission bits with setuid, setgid and sticky (st_mode &amp; 07777)
 * @param uid owner id
 * @param gid group id
 * @param mtimeNanos modification time, ns since the epoch
 * @param ctimeNanos status change time, ns since the epoch
 * @param inode inode number
 * @param device device number
 * @param links hard link count
 * @param size bytes (regular files); the device number, st_rdev as glibc encodes major and minor (devices); 0 otherwise
 * @param linkTarget symlink target, "" otherwise
 * @param subtree tree blob of a directory, null otherwise
 * @param content data blobs of a file in order, empty otherwise
 * @param xattrs extended attributes, in the order the file system listed them; usually none
 */
public record Node(String name, NodeType type, int mode, int uid, int gid, long mtimeNanos, long ctimeNanos,
                   long inode, long device, int links, long size, String linkTarget, BlobId subtree,
                   List<BlobId> content, List<Xattr> xattrs) {
    /** Absent extended attributes are none. */
    public Node {
        xattrs = xattrs == null ? List.of() : xattrs;
    }

    /** A node without extended attributes. */
    public Node(final String name, final NodeType type, final int mode, final int uid, final int gid,
                final long mtimeNanos, final long ctimeNanos, final long inode, final long device, final int links,
                final long size, final String linkTarget, final BlobId subtree, final List<BlobId> content) {
        this(name, type, mode, uid, gid, mtimeNanos, ctimeNanos, inode, device, links, size, linkTarget, subtree,
                content, List.of());
    }

    /**
     * @param newName a name
     * @return this node under another name
     */
    public Node withName(final String newName) {
        return new Node(newName, type, mode, uid, gid, mtimeNanos, ctimeNanos, inode, device, links, size, linkTarget,
                subtree, content, xattrs);
    }

    /**
     * @param tree a directory's tree id
     * @return this node with that subtree
     */
    public Node withSubtree(final BlobId tree) {
        return new Node(name, type, mode, uid, gid, mtimeNanos, ctimeNanos, inode, device, links, size, linkTarget,
                tree, content, xattrs);
    }

    /**
     * @param blobs a file's chunks
     * @return this node with that content
     */
    public Node withContent(final List<BlobId> blobs) {
        return new Node(name, type, mode, uid, gid, mtimeNanos, ctimeNanos, inode, device, links, size, linkTarget,
                subtree, blobs, xattrs);
    }

    /**
     * @param attributes extended attributes
     * @return this node with them
     */
    public Node withXattrs(final List<Xattr> attributes) {
        return new Node(name, type, mode, uid, gid, mtimeNanos, ctimeNanos, inode, device, links, size, linkTarget,
                subtree, content, attributes);
    }

    /** @return a device's major and minor number, "8,1"; null for anything else */
    public String deviceNumber() {
        if (type != NodeType.CHARDEV && type != NodeType.BLOCKDEV) {
            return null;
        }
        // glibc's gnu_dev_major and gnu_dev_minor
        final long major = (size >>> 32 & 0xfffff000L) | (size >>> 8 & 0xfffL);
        final long minor = (size >>> 12 & 0xffffff00L) | (size & 0xffL);
        return major + "," + minor;
    }

    /**
     * @param other the same file in another snapshot
     * @return whether size, mtime, ctime and inode are equal: content may be reused without reading
     */
    public boolean sameFileAs(final Node other) {
        return other != null && other.type == NodeType.FILE && type == NodeType.FILE && size == other.size
                && mtimeNanos == other.mtimeNanos && ctimeNanos == other.ctimeNanos && inode == other.inode;
    }
}
