package dev.vigil.decision.tree;

import dev.vigil.decision.DecisionException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Labelled examples: one feature vector ({@link Features#NAMES}) and one {@link Label} each.
 *
 * <p>CSV format: lines starting with {@code #} are comments; the first other line is the header,
 * the feature names in order then {@code label}; then one example per line. A bad line is refused
 * with {@code FILE:LINE: problem}.
 *
 * @param x feature vectors
 * @param y labels, same length
 */
public record Examples(List<double[]> x, List<Label> y) {
    /** The examples shipped with the engine (classpath resource); provenance in its header. */
    public static final String DEFAULT_RESOURCE = "/dev/vigil/decision/tree-examples.csv";

    /** Copies the lists. */
    public Examples {
        if (x.size() != y.size()) {
            throw new IllegalArgumentException("expected as many labels as vectors, got " + y.size() + " and " + x.size());
        }
        x = List.copyOf(x);
        y = List.copyOf(y);
    }

    /** @return the number of examples */
    public int size() {
        return x.size();
    }

    /** @return the vectors as a matrix */
    public double[][] matrix() {
        return x.toArray(new double[0][]);
    }

    /** @return the labels as class indexes */
    public int[] classes() {
        return y.stream().mapToInt(Label::ordinal).toArray();
    }

    /**
     * @param more other examples
     * @return these followed by those
     */
    public Examples plus(final Examples more) {
        final List<double[]> xs = new ArrayList<>(x);
        xs.addAll(more.x);
        final List<Label> ys = new ArrayList<>(y);
        ys.addAll(more.y);
        return new Examples(xs, ys);
    }

    /** @return the shipped examples */
    public static Examples shipped() {
        try (InputStream in = Examples.class.getResourceAsStream(DEFAULT_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("shipped examples missing from the classpath: " + DEFAULT_RESOURCE);
            }
            return parse("tree-examples.csv", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new DecisionException("cannot read the shipped examples: " + e.getMessage(), e);
        }
    }

    /**
     * @param file a CSV file, or null for the shipped examples
     * @return its examples
     */
    public static Examples read(final Path file) {
        if (file == null) {
            return shipped();
        }
        try {
            return parse(file.toString(), Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new DecisionException(file + ": cannot read examples: " + dev.vigil.schemas.IoErrors.reason(e), e);
        }
    }

    /**
     * @param name file name for messages
     * @param text CSV text
     * @return the examples
     * @throws DecisionException naming the line that is wrong
     */
    public static Examples parse(final String name, final String text) {
        final List<double[]> xs = new ArrayList<>();
        final List<Label> ys = new ArrayList<>();
        final String header = String.join(",", Features.NAMES) + ",label";
        boolean seenHeader = false;
        final String[] lines = text.split("\r?\n");
        for (int i = 0; i < lines.length; i++) {
            final String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (!seenHeader) {
                if (!line.equals(header)) {
                    throw new DecisionException(name + ":" + (i + 1) + ": expected header '" + header + "'");
                }
                seenHeader = true;
                continue;
            }
            final String[] cells = line.split(",");
            if (cells.length != Features.NAMES.size() + 1) {
                throw new DecisionException(name + ":" + (i + 1) + ": expected " + (Features.NAMES.size() + 1)
                        + " columns, found " + cells.length);
            }
            final double[] row = new double[Features.NAMES.size()];
            for (int j = 0; j < row.length; j++) {
                try {
                    row[j] = Double.parseDouble(cells[j].strip());
                } catch (NumberFormatException e) {
                    throw new DecisionException(name + ":" + (i + 1) + ": " + Features.NAMES.get(j) + " '" + cells[j]
                            + "' is not a number");
                }
            }
            try {
                ys.add(Label.valueOf(cells[row.length].strip().toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new DecisionException(name + ":" + (i + 1) + ": label '" + cells[row.length]
                        + "' is not one of NONE, INCREMENTAL, DIFFERENTIAL, FULL, VERIFY");
            }
            xs.add(row);
        }
        if (xs.isEmpty()) {
            throw new DecisionException(name + ": no examples");
        }
        return new Examples(xs, ys);
    }

    /**
     * @param comment comment lines (without '#') written first, e.g. provenance
     * @return the CSV text
     */
    public String toCsv(final List<String> comment) {
        final StringBuilder b = new StringBuilder();
        comment.forEach(c -> b.append("# ").append(c).append('\n'));
        b.append(String.join(",", Features.NAMES)).append(",label\n");
        for (int i = 0; i < x.size(); i++) {
            for (final double v : x.get(i)) {
                b.append(v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.4f", v)).append(',');
            }
            b.append(y.get(i).name()).append('\n');
        }
        return b.toString();
    }
}
