package dev.vigil.analyzer.nab;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * One NAB data file, rows in file order (timestamps may repeat or step back; NAB pairs everything
 * by row position).
 *
 * @param name the file's corpus name, {@code <category>/<file>.csv}
 * @param timestamps each row's timestamp as written
 * @param micros each row's timestamp in microseconds since the epoch, read as UTC
 * @param values each row's value as written
 */
public record NabFile(String name, List<String> timestamps, long[] micros, List<String> values, int[] lines) {
    /**
     * Reads {@code <dataDir>/<name>}: header {@code timestamp,value}, LF or CRLF line ends.
     *
     * @param dataDir the corpus' data directory
     * @param name {@code <category>/<file>.csv}
     * @return the file
     * @throws NabException when the file is missing or a row is malformed (naming file and line)
     */
    public static NabFile read(final Path dataDir, final String name) {
        final Path path = dataDir.resolve(name);
        final List<String> lines;
        try {
            lines = Files.readAllLines(path, StandardCharsets.UTF_8);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new NabException(path + ": not found, but the windows file names " + name
                    + " (to run on part of a corpus, give a windows file with only its files)", e);
        } catch (IOException e) {
            throw new NabException(path + ": cannot read (" + e.getClass().getSimpleName() + ")", e);
        }
        // A byte order mark (files saved by Excel or PowerShell) is not part of the header's text.
        final String header = lines.isEmpty() ? "" : lines.get(0).replaceFirst("^\uFEFF", "");
        if (!header.strip().startsWith("timestamp,value")) {
            throw new NabException(path + ":1: expected header 'timestamp,value'");
        }
        final List<String> timestamps = new ArrayList<>(lines.size());
        final List<String> values = new ArrayList<>(lines.size());
        final int[] lineOf = new int[lines.size()];
        for (int i = 1; i < lines.size(); i++) {
            final String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            final String[] cells = line.split(",", -1);
            if (cells.length < 2) {
                throw new NabException(path + ":" + (i + 1) + ": expected timestamp,value, got '" + line + "'");
            }
            lineOf[timestamps.size()] = i + 1;
            timestamps.add(cells[0].strip());
            values.add(cells[1].strip());
        }
        final long[] micros = new long[timestamps.size()];
        for (int i = 0; i < micros.length; i++) {
            micros[i] = parseMicros(timestamps.get(i), path + ":" + lineOf[i]);
        }
        return new NabFile(name, List.copyOf(timestamps), micros, List.copyOf(values),
                java.util.Arrays.copyOf(lineOf, timestamps.size()));
    }

    /**
     * @param text {@code YYYY-MM-DD HH:MM:SS[.ffffff]}, read as UTC
     * @param where what to name in an error
     * @return microseconds since the epoch
     */
    static long parseMicros(final String text, final String where) {
        try {
            final LocalDateTime t = LocalDateTime.parse(text.strip().replace(' ', 'T'));
            return t.toEpochSecond(ZoneOffset.UTC) * 1_000_000L + t.getNano() / 1000;
        } catch (DateTimeParseException e) {
            throw new NabException(where + ": bad timestamp '" + text + "'", e);
        }
    }

    /**
     * @param micros a timestamp in microseconds since the epoch
     * @return it as NAB writes timestamps, for messages
     */
    public static String format(final long micros) {
        final LocalDateTime t = LocalDateTime.ofEpochSecond(Math.floorDiv(micros, 1_000_000L),
                (int) Math.floorMod(micros, 1_000_000L) * 1000, ZoneOffset.UTC);
        return t.format(java.time.format.DateTimeFormatter.ofPattern(t.getNano() == 0 ? "uuuu-MM-dd HH:mm:ss"
                : "uuuu-MM-dd HH:mm:ss.SSSSSS"));
    }

    /** @return rows */
    public int size() {
        return micros.length;
    }

    /**
     * @param row a row index
     * @return the row's value
     * @throws NabException when it is not a finite number
     */
    public double value(final int row) {
        final double value;
        try {
            value = Double.parseDouble(values.get(row));
        } catch (NumberFormatException e) {
            throw new NabException(name + ":" + lines[row] + ": bad value '" + values.get(row) + "'", e);
        }
        // Java reads "NaN" and "Infinity" as numbers; the detector would refuse them without naming the row.
        if (!Double.isFinite(value)) {
            throw new NabException(name + ":" + lines[row] + ": value '" + values.get(row)
                    + "' is not a finite number");
        }
        return value;
    }
}
