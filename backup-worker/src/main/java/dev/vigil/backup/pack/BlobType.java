package dev.vigil.backup.pack;

/** What a blob holds. */
public enum BlobType {
    /** A chunk of a file's content. */
    DATA,
    /** One directory listing. */
    TREE;

    /** @return the stored code */
    public byte code() {
        return (byte) ordinal();
    }

    /**
     * @param code a stored code
     * @return the type
     * @throws IllegalArgumentException for an unknown code
     */
    public static BlobType of(final int code) {
        if (code < 0 || code >= values().length) {
            throw new IllegalArgumentException("blob type code must be 0 or 1, was " + code);
        }
        return values()[code];
    }
}
