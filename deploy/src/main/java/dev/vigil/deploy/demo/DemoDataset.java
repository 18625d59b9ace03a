package dev.vigil.deploy.demo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** A small, deterministic project tree: source files, documents, CSV data and a few binaries. */
final class DemoDataset {
    private static final String[] WORDS = {"vigil", "backup", "kafka", "stream", "anomaly", "restore", "policy",
        "snapshot", "host", "metric", "window", "forest", "decision", "worker", "chunk", "index"};

    private DemoDataset() {
    }

    /**
     * Writes the tree.
     *
     * @param root the dataset directory (created)
     * @param files how many files
     * @return the relative paths of the files written
     * @throws IOException when writing fails
     */
    static List<String> create(final Path root, final int files) throws IOException {
        final Random random = new Random(42);
        final List<String> written = new ArrayList<>();
        for (int i = 0; i < files; i++) {
            final String dir = switch (i % 4) {
                case 0 -> "src/main";
                case 1 -> "docs";
                case 2 -> "data/" + (i % 3);
                default -> "assets";
            };
            final String name = switch (i % 4) {
                case 0 -> "Module" + i + ".java";
                case 1 -> "note-" + i + ".md";
                case 2 -> "table-" + i + ".csv";
                default -> "blob-" + i + ".bin";
            };
            final Path file = root.resolve(dir).resolve(name);
            Files.createDirectories(file.getParent());
            Files.write(file, content(random, i));
            written.add(root.relativize(file).toString());
        }
        return written;
    }

    /**
     * Rewrites a file with new text of about the same size, as a busy application would.
     *
     * @param file the file
     * @param round which rewrite this is, for different content each time
     * @throws IOException when writing fails
     */
    static void rewrite(final Path file, final int round) throws IOException {
        final Random random = new Random(file.toString().hashCode() * 31L + round);
        Files.write(file, text(random, (int) Math.max(256, Files.size(file))));
    }

    private static byte[] content(final Random random, final int i) {
        if (i % 4 == 3) {
            final byte[] bytes = new byte[8 * 1024 + random.nextInt(24 * 1024)];
            random.nextBytes(bytes);
            return bytes;
        }
        return text(random, 1024 + random.nextInt(6 * 1024));
    }

    private static byte[] text(final Random random, final int size) {
        final StringBuilder text = new StringBuilder(size + 64);
        while (text.length() < size) {
            for (int w = 0; w < 12; w++) {
                text.append(WORDS[random.nextInt(WORDS.length)]).append(' ');
            }
            text.append(random.nextInt(100_000)).append('\n');
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }
}
