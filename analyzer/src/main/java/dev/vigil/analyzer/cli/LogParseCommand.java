package dev.vigil.analyzer.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.analyzer.AnalyzerException;
import dev.vigil.analyzer.logs.LogFormat;
import dev.vigil.analyzer.logs.LoghubEvaluation;
import dev.vigil.analyzer.logs.MinerOptions;
import dev.vigil.analyzer.logs.TemplateCsv;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vigil logparse}: mines the templates of a log file with the analyzer's miner and writes them as CSV. */
@Command(name = "logparse", mixinStandardHelpOptions = true,
        description = {
            "Mine log templates from a file with the same miner the analyzer runs on the log stream.",
            "Reads FILE (UTF-8, a byte order mark skipped; one message per line; a pipe too: --input",
            "<(zcat app.log.gz)), learns templates online",
            "in line order, and writes a CSV with header LineId,EventTemplate: LineId is the 1-based line",
            "number, EventTemplate the final template of the line's group, <*> for each parameter. Lines",
            "with the same EventTemplate are one event. With --format, each raw line is split by the header",
            "layout and only its <Content> is mined; a line the layout does not fit is mined whole (and",
            "counted on stderr). An empty or blank line gets an empty EventTemplate. A file with a NUL byte",
            "in its first 8,000 is refused as binary (exit 2).",
            "Memory: " + LogParseCommand.MEMORY + " (8 random words a line: about 250 bytes per line); out of",
            "memory, it stops with exit 1 naming the line.",
            "Prints a one-line summary (lines, templates, seconds); --json prints it as JSON."})
public final class LogParseCommand implements Callable<Integer> {
    /** What the heap holds, for --help and the message when it runs out. */
    static final String MEMORY = "the heap holds 8 bytes per line and the last text of every template met, "
            + "at most 10,000 templates at once but all of them when lines share no words";
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--input", required = true, paramLabel = "FILE", description = "Log file, one message per line.")
    private Path input;

    @Option(names = "--out", required = true, paramLabel = "FILE.csv", description = "Output CSV, replaced.")
    private Path out;

    @Option(names = "--format", paramLabel = "LAYOUT",
            description = {"Header layout of raw lines, e.g. '<Date> <Time> <Level> <Component>: <Content>'.",
                "<Field> is any field, <Content> the message; spaces match any whitespace; the rest is a",
                "regular expression (\\[ a literal bracket). Default: each line is a message. A line that",
                "the matcher cannot decide within 100 characters read per character of it does not fit."})
    private String format;

    @Option(names = "--json", description = "Print the summary as one JSON object.")
    private boolean json;

    @Override
    public Integer call() throws IOException {
        checkFiles();
        final LogFormat layout;
        try {
            layout = format == null ? null : LogFormat.compile(format);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--format: " + e.getMessage(), e);
        }
        final int[] unfit = {0};
        final long[] read = {0};
        final List<String> templates;
        final long start = System.nanoTime();
        // FileInputStream: Java 17's Files.newInputStream fails on a pipe ("Illegal seek" from available())
        try (BufferedInputStream in = new BufferedInputStream(new FileInputStream(input.toFile()), 1 << 16)) {
            refuseBinary(in);
            final BufferedReader r = reader(in);
            // read lazily: the miner keeps templates, not the file
            final Iterable<String> messages = () -> lines(r).map(line -> {
                read[0]++;
                final String content = layout == null ? line : layout.content(line);
                if (content == null) {
                    unfit[0]++;
                }
                return content == null ? line.strip() : content;
            }).iterator();
            templates = LoghubEvaluation.templatesOf(messages, MinerOptions.DEFAULTS);
        } catch (OutOfMemoryError e) {
            // what was held is unreachable once unwound: say what ran out instead of dying with a stack trace
            throw new AnalyzerException(input + ": out of memory at line " + read[0] + " (" + MEMORY + "): give java "
                    + "more heap, e.g. java -Xmx8g -jar vigil.jar logparse ...");
        }
        final double seconds = (System.nanoTime() - start) / 1e9;
        TemplateCsv.write(out, templates);
        final Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("input", input.toString());
        summary.put("out", out.toString());
        summary.put("lines", templates.size());
        summary.put("templates", new HashSet<>(templates).size());
        summary.put("linesNotFittingFormat", unfit[0]);
        summary.put("seconds", seconds);
        if (json) {
            System.out.println(new ObjectMapper().writeValueAsString(summary));
        } else {
            System.out.printf("%s: %d lines, %d templates, read and mined in %.3f s -> %s%n", input,
                    templates.size(), summary.get("templates"), seconds, out);
        }
        if (unfit[0] > 0) {
            System.err.printf("logparse: %d of %d lines did not fit --format and were mined whole%n", unfit[0],
                    templates.size());
        }
        return 0;
    }

    /** Refuses, as bad usage, files that cannot give a CSV: before reading, since mining may take minutes. */
    private void checkFiles() throws IOException {
        // not only regular files: a pipe serves too (--input <(zcat app.log.gz))
        if (Files.isDirectory(input) || !Files.exists(input)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--input " + input + ": "
                    + (Files.isDirectory(input) ? "a directory; give a file of log messages" : "no such file"));
        }
        final Path outDir = out.toAbsolutePath().getParent();
        if (outDir != null && !Files.isDirectory(outDir)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--out " + out + ": no directory " + outDir);
        }
        // the CSV replaces --out once the file is read: given the log itself, it replaced the log
        if (Files.exists(out) && Files.isSameFile(input, out)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--out " + out + ": is the --input file; "
                    + "give another file for the CSV");
        }
    }

    private void refuseBinary(final BufferedInputStream in) throws IOException {
        final long nul = firstNul(in);
        if (nul >= 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--input " + input + ": binary data (a NUL "
                    + "byte at offset " + nul + "), not a text log; compressed, give --input <(zcat " + input + "); "
                    + "in UTF-16, convert it to UTF-8 first");
        }
    }

    /**
     * Git's test for binary files: a NUL byte in the first 8,000. A file given by mistake (an archive, a
     * program, a UTF-16 log) otherwise came out as rows of mangled bytes, with exit code 0.
     *
     * @param in the input, read from its start and reset there (a pipe can be read only once)
     * @return the offset of the first NUL byte among the first 8,000, or -1
     */
    static long firstNul(final BufferedInputStream in) throws IOException {
        in.mark(8000);
        final byte[] head = in.readNBytes(8000);
        in.reset();
        for (int i = 0; i < head.length; i++) {
            if (head[i] == 0) {
                return i;
            }
        }
        return -1;
    }

    /** Lenient UTF-8: a stray byte in a log must not stop the run, it becomes U+FFFD. */
    static BufferedReader reader(final Path file) throws IOException {
        return reader(Files.newInputStream(file));
    }

    /** See {@link #reader(Path)}. */
    static BufferedReader reader(final InputStream in) throws IOException {
        final BufferedReader r = new BufferedReader(new InputStreamReader(in,
                StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                        .onUnmappableCharacter(CodingErrorAction.REPLACE)));
        // a byte order mark (files saved by Windows tools) is not text of line 1: kept, it made that line miss
        // --format and gave its first token a parameter no other line has
        r.mark(1);
        if (r.read() != '\uFEFF') {
            r.reset();
        }
        return r;
    }

    /**
     * Lines ended by LF (a CR before it dropped): a lone CR inside a line is text, not a line end, so that LineId stays
     * the line number an editor or {@code wc -l} gives ({@link BufferedReader#lines()} also ends lines at a CR).
     */
    static java.util.stream.Stream<String> lines(final BufferedReader r) {
        final java.util.Iterator<String> it = new java.util.Iterator<>() {
            private final char[] buf = new char[1 << 16];
            private int pos;
            private int len;
            private String next = advance();

            private String advance() {
                try {
                    StringBuilder line = null;
                    while (true) {
                        if (pos == len) {
                            len = r.read(buf, 0, buf.length);
                            pos = 0;
                            if (len < 0) {
                                len = 0;
                                return line == null ? null : strip(line.toString());
                            }
                        }
                        int lf = pos;
                        while (lf < len && buf[lf] != '\n') {
                            lf++;
                        }
                        if (lf < len) {
                            final String text = line == null ? new String(buf, pos, lf - pos)
                                    : line.append(buf, pos, lf - pos).toString();
                            pos = lf + 1;
                            return strip(text);
                        }
                        line = (line == null ? new StringBuilder() : line).append(buf, pos, len - pos);
                        pos = len;
                    }
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }

            private String strip(final String line) {
                return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
            }

            @Override
            public boolean hasNext() {
                return next != null;
            }

            @Override
            public String next() {
                if (next == null) {
                    throw new java.util.NoSuchElementException();
                }
                final String line = next;
                next = advance();
                return line;
            }
        };
        return java.util.stream.StreamSupport.stream(java.util.Spliterators.spliteratorUnknownSize(it,
                java.util.Spliterator.ORDERED), false);
    }
}
