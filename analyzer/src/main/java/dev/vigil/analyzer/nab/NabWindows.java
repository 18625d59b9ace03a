package dev.vigil.analyzer.nab;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * NAB's labels: {@code combined_windows.json}, mapping each corpus file name ({@code
 * <category>/<file>.csv}) to its anomaly windows, in time order, both ends inclusive.
 *
 * @param byFile file name to its windows, in the order of the JSON file
 */
public record NabWindows(Map<String, List<Window>> byFile) {
    /**
     * One labelled window.
     *
     * @param start first timestamp, microseconds since the epoch (UTC)
     * @param end last timestamp, microseconds since the epoch (UTC)
     */
    public record Window(long start, long end) {
    }

    /**
     * @param file the JSON file
     * @return the windows
     * @throws NabException when the file cannot be read or is not in NAB's format
     */
    public static NabWindows read(final Path file) {
        final Map<String, List<List<String>>> raw;
        try {
            raw = new ObjectMapper().readValue(file.toFile(), new TypeReference<LinkedHashMap<String,
                    List<List<String>>>>() { });
        } catch (IOException e) {
            throw new NabException(file + ": not a NAB windows file: " + e.getMessage(), e);
        }
        if (raw == null || raw.isEmpty()) {
            // Scores of an empty corpus are 0/0: NaN, which reads like a result
            throw new NabException(file + ": lists no data file, so there is nothing to run or score");
        }
        final Map<String, List<Window>> byFile = new LinkedHashMap<>();
        for (final Map.Entry<String, List<List<String>>> e : raw.entrySet()) {
            final List<Window> windows = new ArrayList<>();
            for (final List<String> pair : e.getValue()) {
                if (pair.size() != 2) {
                    throw new NabException(file + ": " + e.getKey() + ": a window needs [start, end], got " + pair);
                }
                final String where = file + ": " + e.getKey();
                windows.add(new Window(NabFile.parseMicros(pair.get(0), where),
                        NabFile.parseMicros(pair.get(1), where)));
            }
            byFile.put(e.getKey(), List.copyOf(windows));
        }
        return new NabWindows(byFile);
    }

    /** @return total number of windows */
    public int count() {
        return byFile.values().stream().mapToInt(List::size).sum();
    }
}
