package dev.vigil.backup.repository;

import dev.vigil.backup.BackupException;
import dev.vigil.backup.crypto.BlobHasher;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The repository's format settings, stored encrypted in {@code config}. Algorithms are named, and
 * a name this version does not know refuses to open the repository.
 *
 * @param version format version, 1
 * @param id random repository id, hex
 * @param chunker chunker name, {@value #FASTCDC}
 * @param chunkMin smallest chunk in bytes
 * @param chunkAvg target average chunk in bytes, a power of 2
 * @param chunkMax largest chunk in bytes
 * @param gearSeed seed of the chunker's gear table (keys chunk boundaries to this repository)
 * @param hash blob id algorithm
 * @param cipher cipher name
 * @param compression compression name
 * @param compressionLevel zstd level, 1..19
 * @param packSize target pack size in bytes
 */
public record RepoConfig(int version, String id, String chunker, int chunkMin, int chunkAvg, int chunkMax,
                         long gearSeed, String hash, String cipher, String compression, int compressionLevel,
                         int packSize) {
    /** The chunker of format 1. */
    public static final String FASTCDC = "FASTCDC";
    /** The cipher of format 1. */
    public static final String CIPHER = "AES-256-GCM";
    /** The compression of format 1. */
    public static final String ZSTD = "ZSTD";

    /**
     * @param chunkAvg average chunk size, a power of 2 in [64 KiB, 8 MiB]
     * @param compressionLevel zstd level in [1, 19]
     * @param packSize target pack size in [1 MiB, 128 MiB]
     * @return a new config with a random id and gear seed; min = avg / 4, max = avg * 4
     */
    public static RepoConfig create(final int chunkAvg, final int compressionLevel, final int packSize) {
        if (Integer.bitCount(chunkAvg) != 1 || chunkAvg < 64 << 10 || chunkAvg > 8 << 20) {
            throw new IllegalArgumentException("average chunk size must be a power of 2 in [64 KiB, 8 MiB], was "
                    + chunkAvg);
        }
        if (compressionLevel < 1 || compressionLevel > 19) {
            throw new IllegalArgumentException("compression level must be in [1, 19], was " + compressionLevel);
        }
        if (packSize < 1 << 20 || packSize > 128 << 20) {
            throw new IllegalArgumentException("pack size must be in [1 MiB, 128 MiB], was " + packSize);
        }
        final SecureRandom random = new SecureRandom();
        final byte[] id = new byte[32];
        random.nextBytes(id);
        return new RepoConfig(1, HexFormat.of().formatHex(id), FASTCDC, chunkAvg / 4, chunkAvg, chunkAvg * 4,
                random.nextLong(), BlobHasher.ALGORITHM, CIPHER, ZSTD, compressionLevel, packSize);
    }

    /** @throws BackupException when this version cannot use the repository */
    public void check() {
        if (version != 1) {
            throw new BackupException("config: repository format version " + version + " is not supported (this "
                    + "version reads 1)");
        }
        if (!FASTCDC.equals(chunker) || !BlobHasher.ALGORITHM.equals(hash) || !CIPHER.equals(cipher)
                || !ZSTD.equals(compression)) {
            throw new BackupException("config: unknown algorithm in " + this);
        }
    }

    /** @return the chunker these settings describe */
    public dev.vigil.backup.chunker.Chunker newChunker() {
        return new dev.vigil.backup.chunker.Chunker(chunkMin, chunkAvg, chunkMax, gearSeed);
    }
}
