package dev.vigil.backup.cli;

import dev.vigil.backup.backend.FileInfo;
import dev.vigil.backup.backend.FileType;
import dev.vigil.backup.crypto.Aead;
import dev.vigil.backup.pack.BlobId;
import dev.vigil.backup.repository.Repository;
import dev.vigil.backup.snapshot.FileNames;
import dev.vigil.backup.snapshot.Snapshot;
import dev.vigil.backup.snapshot.SnapshotStore;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vigil repo stats}. */
@Command(name = "stats", mixinStandardHelpOptions = true,
        description = {"How big the repository is and how well it stores its snapshots (all, or --dataset's): the "
                + "snapshots; the restore size, files and bytes of the latest snapshot of each dataset; the files and "
                + "bytes of all snapshots together; the data and tree blobs those snapshots use, each counted once, "
                + "their raw bytes and the bytes stored (compressed, plus 28 bytes of nonce and tag each); the "
                + "compression ratio, raw / stored bytes of those blobs; the dedup ratio, bytes of all snapshots' "
                + "files / raw bytes of their data blobs (2.0: each byte stored serves two files); the packs, their "
                + "number and bytes on disk, for the whole repository (datasets share packs).",
            "--mode raw-data prints restic's raw-data figures instead, as restic defines them: total size is the "
                + "stored bytes of the blobs used, uncompressed size their plaintext plus 28 bytes each, compression "
                + "ratio over compressed blobs only, space saving over all.",
            "Reads trees only, each once, never file contents.",
            "Example: how much would restoring the latest docs snapshot write, and what does dedup save?",
            "  vigil repo stats -r /backup/docs --dataset docs",
            ExitCodes.HELP})
final class StatsCommand extends RepoSubcommand {
    @Option(names = "--dataset", paramLabel = "ID", description = "Only this dataset's snapshots.")
    String dataset;

    @Option(names = "--mode", paramLabel = "MODE", description = "summary (default) or raw-data.")
    String mode = "summary";

    @Override
    int run() throws Exception {
        require(mode.equals("summary") || mode.equals("raw-data"), "--mode", "summary or raw-data", mode);
        try (Repository r = repo.open()) {
            final SnapshotStore store = new SnapshotStore(r);
            final List<Snapshot> chosen = store.list().stream()
                    .filter(s -> dataset == null || dataset.equals(s.dataset())).toList();
            for (final String damaged : store.damaged()) {
                err.println("warning: " + damaged + " (not counted; 'vigil repo forget ID' removes it)");
            }
            if (chosen.isEmpty() && dataset != null) {
                err.println("no snapshot of dataset " + FileNames.display(dataset) + " ('vigil repo snapshots' lists "
                        + "every dataset)");
            }
            final SnapshotUsage usage = new SnapshotUsage(r);
            final Map<String, SnapshotUsage.Files> latest = new LinkedHashMap<>(); // oldest first: the last one stays
            SnapshotUsage.Files all = new SnapshotUsage.Files(0, 0);
            try (ProgressLine progress = new ProgressLine(interactive(), err, () -> usage.treesRead + " trees read of "
                    + chosen.size() + " snapshots")) {
                for (final Snapshot s : chosen) {
                    final SnapshotUsage.Files f = usage.of(BlobId.parse(s.tree()));
                    all = all.plus(f);
                    latest.remove(s.dataset());
                    latest.put(s.dataset(), f);
                }
            }
            if (usage.missing() > 0) {
                err.println("warning: " + usage.missing() + " blobs the snapshots use are in no index; their bytes are "
                        + "not counted ('vigil repo check' tells the damage)");
            }
            final Map<String, Object> doc = mode.equals("raw-data") ? rawData(chosen.size(), usage)
                    : summary(r, chosen.size(), latest, all, usage);
            if (json) {
                printJson(doc);
            } else if (mode.equals("raw-data")) {
                printRawData(doc);
            } else {
                printSummary(doc);
            }
            return ExitCodes.OK;
        }
    }

    private static Map<String, Object> summary(final Repository r, final int snapshots,
            final Map<String, SnapshotUsage.Files> latest, final SnapshotUsage.Files all, final SnapshotUsage usage)
            throws java.io.IOException {
        final SnapshotUsage.Blobs data = usage.data();
        final SnapshotUsage.Blobs trees = usage.trees();
        final SnapshotUsage.Files restore = latest.values().stream().reduce(new SnapshotUsage.Files(0, 0),
                SnapshotUsage.Files::plus);
        long packs = 0;
        long packBytes = 0;
        for (final FileInfo f : r.backend().list(FileType.PACK)) {
            packs++;
            packBytes += f.size();
        }
        final Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("snapshots", snapshots);
        doc.put("datasets", latest.size());
        doc.put("restoreFiles", restore.files());
        doc.put("restoreBytes", restore.bytes());
        doc.put("allFiles", all.files());
        doc.put("allBytes", all.bytes());
        doc.put("dataBlobs", data.count);
        doc.put("dataRawBytes", data.rawBytes);
        doc.put("dataStoredBytes", data.storedBytes);
        doc.put("treeBlobs", trees.count);
        doc.put("treeRawBytes", trees.rawBytes);
        doc.put("treeStoredBytes", trees.storedBytes);
        doc.put("missingBlobs", usage.missing());
        doc.put("compressionRatio", ratio(data.rawBytes + trees.rawBytes, data.storedBytes + trees.storedBytes));
        doc.put("dedupRatio", ratio(all.bytes(), data.rawBytes));
        doc.put("packs", packs);
        doc.put("packBytes", packBytes);
        doc.put("indexedBlobs", r.index().size());
        return doc;
    }

    /** restic's raw-data mode, by its names in camelCase and with its definitions. */
    private static Map<String, Object> rawData(final int snapshots, final SnapshotUsage usage) {
        final SnapshotUsage.Blobs data = usage.data();
        final SnapshotUsage.Blobs trees = usage.trees();
        final long blobs = data.count + trees.count;
        final long stored = data.storedBytes + trees.storedBytes;
        // restic counts a blob's plaintext as its length once encrypted, uncompressed: the same nonce and tag
        final long uncompressed = data.rawBytes + trees.rawBytes + blobs * Aead.OVERHEAD;
        final long compressedUncompressed = data.compressedRawBytes + trees.compressedRawBytes
                + (data.compressedCount + trees.compressedCount) * Aead.OVERHEAD;
        final Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("snapshotsCount", snapshots);
        doc.put("totalBlobCount", blobs);
        doc.put("totalSize", stored);
        doc.put("totalUncompressedSize", uncompressed);
        doc.put("compressionRatio", ratio(compressedUncompressed, data.compressedStoredBytes
                + trees.compressedStoredBytes));
        doc.put("compressionProgress", percent(compressedUncompressed, uncompressed));
        doc.put("compressionSpaceSaving", uncompressed == 0 ? null : 100.0 - percent(stored, uncompressed));
        return doc;
    }

    private void printSummary(final Map<String, Object> d) {
        out.printf("snapshots       %d (%d datasets)%n", d.get("snapshots"), d.get("datasets"));
        out.printf("restore size    %s in %d files (the latest snapshot of each dataset)%n",
                bytes((long) d.get("restoreBytes")), d.get("restoreFiles"));
        out.printf("all snapshots   %s in %d files%n", bytes((long) d.get("allBytes")), d.get("allFiles"));
        out.printf("blobs used      %d data (%s raw), %d tree (%s raw): %s stored%n", d.get("dataBlobs"),
                bytes((long) d.get("dataRawBytes")), d.get("treeBlobs"), bytes((long) d.get("treeRawBytes")),
                bytes((long) d.get("dataStoredBytes") + (long) d.get("treeStoredBytes")));
        out.printf("compression     %s (raw / stored)%n", times(d.get("compressionRatio")));
        out.printf("deduplication   %s (all snapshots' bytes / raw bytes of their data blobs)%n",
                times(d.get("dedupRatio")));
        out.printf("packs           %d, %s (whole repository; %d blobs indexed)%n", d.get("packs"),
                bytes((long) d.get("packBytes")), d.get("indexedBlobs"));
    }

    /** As restic prints its raw-data mode, for people who know that page. */
    private void printRawData(final Map<String, Object> d) {
        out.println("Stats in raw-data mode:");
        out.printf("     Snapshots processed:  %d%n", d.get("snapshotsCount"));
        out.printf("        Total Blob Count:  %d%n", d.get("totalBlobCount"));
        out.printf(" Total Uncompressed Size:  %s%n", bytes((long) d.get("totalUncompressedSize")));
        out.printf("              Total Size:  %s%n", bytes((long) d.get("totalSize")));
        if (d.get("compressionProgress") != null) {
            out.printf("    Compression Progress:  %.2f%%%n", d.get("compressionProgress"));
            out.printf("       Compression Ratio:  %s%n", times(d.get("compressionRatio")));
            out.printf("Compression Space Saving:  %.2f%%%n", d.get("compressionSpaceSaving"));
        }
    }

    private static String times(final Object ratio) {
        return ratio == null ? "-" : String.format("%.2fx", (Double) ratio);
    }

    /** @return a / b, or null (JSON null, "-" on a terminal) when b is 0: no ratio to speak of */
    private static Double ratio(final long a, final long b) {
        return b == 0 ? null : (double) a / b;
    }

    private static Double percent(final long part, final long whole) {
        return whole == 0 ? null : 100.0 * part / whole;
    }
}
