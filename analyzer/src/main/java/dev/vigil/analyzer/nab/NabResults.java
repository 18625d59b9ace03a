package dev.vigil.analyzer.nab;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * NAB's results layout: {@code <results>/<detector>/<category>/<detector>_<file>.csv} with columns
 * {@code timestamp,value,anomaly_score,label} (more columns are allowed and ignored on reading).
 */
public final class NabResults {
    private NabResults() {
    }

    /**
     * @param detectorDir {@code <results>/<detector>}
     * @param fileName corpus name {@code <category>/<file>.csv}
     * @return the path of that file's results
     */
    public static Path path(final Path detectorDir, final String fileName) {
        final int slash = fileName.lastIndexOf('/');
        final String detector = detectorDir.getFileName().toString();
        return detectorDir.resolve(fileName.substring(0, slash + 1) + detector + "_" + fileName.substring(slash + 1));
    }

    /**
     * Reads the {@code anomaly_score} column, in row order.
     *
     * @param detectorDir {@code <results>/<detector>}
     * @param data the data file the results belong to
     * @return one score per data row
     * @throws NabException when the file is missing, has no anomaly_score column, a different
     *     number of rows than the data, or a bad number (naming file and line)
     */
    public static double[] readScores(final Path detectorDir, final NabFile data) {
        final Path path = path(detectorDir, data.name());
        final List<String> lines;
        try {
            lines = Files.readAllLines(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new NabException(path + ": cannot read results (" + e.getClass().getSimpleName() + ")", e);
        }
        if (lines.isEmpty()) {
            throw new NabException(path + ": empty");
        }
        final int column = Arrays.asList(lines.get(0).strip().split(",")).indexOf("anomaly_score");
        if (column < 0) {
            throw new NabException(path + ":1: no anomaly_score column");
        }
        final double[] scores = new double[data.size()];
        int row = 0;
        for (int i = 1; i < lines.size(); i++) {
            final String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            if (row == scores.length) {
                throw new NabException(path + ": more rows than the " + scores.length + " of " + data.name());
            }
            final String[] cells = line.split(",", -1);
            try {
                scores[row++] = Double.parseDouble(cells[column]);
            } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
                throw new NabException(path + ":" + (i + 1) + ": bad anomaly_score in '" + line + "'", e);
            }
        }
        if (row != scores.length) {
            throw new NabException(path + ": " + row + " rows, but " + data.name() + " has " + scores.length);
        }
        return scores;
    }

    /**
     * Writes one file's results.
     *
     * @param detectorDir {@code <results>/<detector>}
     * @param data the data file
     * @param scores one score per row
     * @param windows the file's windows (for the label column)
     * @throws IOException when writing fails
     */
    public static void write(final Path detectorDir, final NabFile data, final double[] scores,
                             final List<NabWindows.Window> windows) throws IOException {
        final Path path = path(detectorDir, data.name());
        Files.createDirectories(path.getParent());
        try (BufferedWriter out = Files.newBufferedWriter(path, StandardCharsets.UTF_8)) {
            out.write("timestamp,value,anomaly_score,label\n");
            for (int i = 0; i < data.size(); i++) {
                final long t = data.micros()[i];
                final boolean label = windows.stream().anyMatch(w -> w.start() <= t && t <= w.end());
                out.write(data.timestamps().get(i) + "," + data.values().get(i) + "," + scores[i] + ","
                        + (label ? 1 : 0) + "\n");
            }
        }
    }
}
