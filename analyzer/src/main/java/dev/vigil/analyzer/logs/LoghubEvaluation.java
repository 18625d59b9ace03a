package dev.vigil.analyzer.logs;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the miner over loghub-style labelled samples and scores it: a directory holds one folder per system
 * with a {@code <Sys>_2k.log_structured.csv} (columns {@code LineId}, {@code Content}, {@code EventTemplate});
 * failing that, the first {@code *_structured*.csv} in the folder by name.
 * Each system gets a fresh miner with the same options, fed the messages in line order.
 */
public final class LoghubEvaluation {
    private static final String SUFFIX = "_structured.csv";
    /** Also takes loghub-2.0's {@code *_structured_corrected.csv} when the plain file is absent. */
    private static final String GLOB = "*_structured*.csv";

    private LoghubEvaluation() {
    }

    /**
     * One system's result.
     *
     * @param system  the folder name
     * @param lines   lines scored
     * @param metrics the scores
     * @param seconds time spent mining (not reading files), seconds
     */
    public record SystemResult(String system, int lines, ParsingMetrics metrics, double seconds) {
    }

    /**
     * Mines messages in order and gives each its template as it stands at the end: a line's template is the
     * final text of the template it joined, as a batch parser reports it. Holds one reference per message,
     * not the messages, so it suits large files read lazily.
     *
     * @param messages the messages in order, iterated once
     * @param options  miner options
     * @return the template text of each message
     */
    public static List<String> templatesOf(final Iterable<String> messages, final MinerOptions options) {
        final TemplateMiner miner = new TemplateMiner(options);
        final List<String> ids = new ArrayList<>();
        // the text a template had when last matched: the answer for one evicted before the end
        final Map<String, String> lastText = new HashMap<>();
        // a template merged into another: its lines take the other's final text
        final Map<String, String> mergedInto = new HashMap<>();
        for (final String m : messages) {
            final TemplateMatch match = miner.add(m);
            ids.add(match.templateId());
            lastText.put(match.templateId(), match.template());
            if (match.newTemplate()) {
                mergedInto.remove(match.templateId()); // an id can come back once its template was evicted
            }
            for (final String gone : match.absorbed()) {
                mergedInto.put(gone, match.templateId());
            }
        }
        for (final Template t : miner.templates()) {
            lastText.put(t.id(), t.template());
        }
        final List<String> out = new ArrayList<>(ids.size());
        for (final String id : ids) {
            String current = id;
            while (mergedInto.containsKey(current)) {
                current = mergedInto.get(current);
            }
            out.add(lastText.get(current));
        }
        return out;
    }

    /**
     * @param dir     the labelled data: one folder per system
     * @param options miner options, the same for every system
     * @param predDir where to write {@code <Sys>.csv} predictions for other scorers, or null
     * @return one result per system, by folder name
     * @throws IOException              when a file cannot be read or written
     * @throws IllegalArgumentException when no folder holds a structured CSV
     */
    public static List<SystemResult> evaluate(final Path dir, final MinerOptions options, final Path predDir)
            throws IOException {
        final List<SystemResult> results = new ArrayList<>();
        for (final Path truthFile : truthFiles(dir)) {
            final String name = truthFile.getParent().getFileName().toString();
            final List<String[]> rows = TemplateCsv.read(truthFile, "LineId", "Content", "EventTemplate");
            final List<String> messages = new ArrayList<>(rows.size());
            final List<String> truth = new ArrayList<>(rows.size());
            for (final String[] row : rows) {
                messages.add(row[1]);
                truth.add(row[2]);
            }
            final long start = System.nanoTime();
            final List<String> predicted = templatesOf(messages, options);
            final double seconds = (System.nanoTime() - start) / 1e9;
            if (predDir != null) {
                Files.createDirectories(predDir);
                TemplateCsv.write(predDir.resolve(name + ".csv"), predicted);
            }
            results.add(new SystemResult(name, rows.size(), ParsingMetrics.score(truth, predicted), seconds));
        }
        if (results.isEmpty()) {
            throw new IllegalArgumentException(dir + ": no <System>/<System>_2k.log_structured.csv found");
        }
        return results;
    }

    /**
     * @param dir a loghub-layout folder
     * @return the ground-truth file of each system folder that has one, by folder name
     * @throws IOException              when the folder cannot be listed
     * @throws IllegalArgumentException when it is not a directory
     */
    public static List<Path> truthFiles(final Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException(dir + ": not a directory");
        }
        final List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, Files::isDirectory)) {
            for (final Path p : entries) {
                final Path truth = structuredCsv(p);
                if (truth != null) {
                    out.add(truth);
                }
            }
        }
        out.sort(null);
        return out;
    }

    private static Path structuredCsv(final Path system) throws IOException {
        final Path preferred = system.resolve(system.getFileName() + "_2k.log" + SUFFIX);
        if (Files.isRegularFile(preferred)) {
            return preferred;
        }
        final List<Path> found = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(system, GLOB)) {
            files.forEach(found::add);
        }
        found.sort(null);
        return found.isEmpty() ? null : found.get(0);
    }
}
