package dev.vigil.analyzer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vigil.analyzer.logs.DigitlessWords;
import dev.vigil.analyzer.logs.TemplateCsv;
import java.io.BufferedWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class LogParseCommandTest {
    @Test
    void shouldWriteOneTemplatePerLineOfARawLogWhereOnlyLfEndsALine(@TempDir final Path dir) throws Exception {
        final Path log = dir.resolve("app.log");
        Files.writeString(log, String.join("\r\n",
                "081109 203615 148 INFO dfs.DataNode: PacketResponder 1 for block blk_3886 terminating",
                "081109 203807 222 INFO dfs.DataNode: PacketResponder 0 for block blk_-6952 terminating",
                "not a header line \r at all",
                "081109 204005 35 INFO dfs.FSNamesystem: BLOCK* NameSystem.addStoredBlock: blockMap updated"));
        final Path out = dir.resolve("out.csv");
        final int code = new CommandLine(new LogParseCommand()).execute("--input", log.toString(), "--out",
                out.toString(), "--format", "<Date> <Time> <Pid> <Level> <Component>: <Content>");
        assertEquals(0, code);
        final List<String> templates = TemplateCsv.read(out, "LineId", "EventTemplate").stream()
                .map(r -> r[0] + "|" + r[1]).toList();
        assertEquals(List.of("1|PacketResponder <*> for block blk_<*> terminating",
                "2|PacketResponder <*> for block blk_<*> terminating",
                "3|not a header line at all",
                "4|BLOCK* NameSystem.addStoredBlock: blockMap updated"), templates);
    }

    @Test
    void shouldSkipAByteOrderMarkSoTheFirstLineFitsTheFormat(@TempDir final Path dir) throws Exception {
        final Path log = dir.resolve("bom.log");
        Files.writeString(log, "\uFEFF[10:00:01] sshd - session opened for 4\n"
                + "[10:00:02] sshd - session opened for 7\n");
        final Path out = dir.resolve("out.csv");
        final int code = new CommandLine(new LogParseCommand()).execute("--input", log.toString(), "--out",
                out.toString(), "--format", "\\[<Time>\\] <Program> - <Content>");
        assertEquals(0, code);
        final List<String> templates = TemplateCsv.read(out, "LineId", "EventTemplate").stream()
                .map(r -> r[0] + "|" + r[1]).toList();
        assertEquals(List.of("1|session opened for <*>", "2|session opened for <*>"), templates);
    }

    @Test
    void shouldRefuseABinaryFileNamingItWithoutWritingTheCsv(@TempDir final Path dir) throws Exception {
        final Path file = dir.resolve("program");
        // the start of an ELF executable: header fields padded with NUL bytes, and a line break or two later on
        final byte[] bytes = new byte[4096];
        System.arraycopy(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1}, 0, bytes, 0, 7);
        bytes[100] = '\n';
        bytes[2000] = '\n';
        Files.write(file, bytes);
        final Path out = dir.resolve("out.csv");
        final StringWriter err = new StringWriter();
        final int code = new CommandLine(new LogParseCommand()).setErr(new PrintWriter(err))
                .execute("--input", file.toString(), "--out", out.toString());
        assertEquals(2, code);
        assertTrue(err.toString().contains(file + ": binary data (a NUL byte at offset 7)"), err.toString());
        assertFalse(Files.exists(out));
    }

    @Test
    void shouldRefuseToWriteTheCsvOverItsInput(@TempDir final Path dir) throws Exception {
        final Path log = dir.resolve("app.log");
        Files.writeString(log, "session opened for 4\n");
        final int code = new CommandLine(new LogParseCommand()).execute("--input", log.toString(), "--out",
                dir.resolve(".").resolve("app.log").toString());
        assertEquals(2, code);
        assertEquals("session opened for 4\n", Files.readString(log));
    }

    @Test
    void shouldRefuseAnOutputInAMissingDirectoryBeforeMining(@TempDir final Path dir) throws Exception {
        final Path log = dir.resolve("app.log");
        Files.writeString(log, "session opened for 4\n");
        final StringWriter err = new StringWriter();
        final int code = new CommandLine(new LogParseCommand()).setErr(new PrintWriter(err)).execute("--input",
                log.toString(), "--out", dir.resolve("missing").resolve("out.csv").toString());
        assertEquals(2, code);
        assertTrue(err.toString().contains("no directory " + dir.resolve("missing")), err.toString());
    }

    @Test
    void shouldStopNamingTheLineWhenTheHeapRunsOut(@TempDir final Path dir) throws Exception {
        final Path log = dir.resolve("words.log");
        try (BufferedWriter w = Files.newBufferedWriter(log)) {
            for (long i = 0; i < 300_000; i++) {
                // no word in common with any other line: a template each, whose text the CSV needs at the end
                w.write(DigitlessWords.of(3 * i) + " " + DigitlessWords.of(3 * i + 1) + " "
                        + DigitlessWords.of(3 * i + 2) + "\n");
            }
        }
        final Path output = dir.resolve("output.txt");
        final Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx24m", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "--input", log.toString(), "--out", dir.resolve("out.csv").toString())
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "still running");
        final String said = Files.readString(output);
        assertEquals(1, p.exitValue(), said);
        assertTrue(said.contains(log + ": out of memory at line "), said);
        assertFalse(said.contains("OutOfMemoryError"), said);
    }

    /** The command alone in a JVM of its own, for a heap of a chosen size. */
    public static final class Main {
        public static void main(final String[] args) {
            System.exit(new CommandLine(new LogParseCommand()).execute(args));
        }
    }

    @Test
    void shouldReadAPipeAsAFile(@TempDir final Path dir) throws Exception {
        final Path fifo = dir.resolve("app.pipe");
        // a named pipe, as bash's <(zcat app.log.gz) gives: not a regular file, and readable once
        assumeTrue(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0, "mkfifo");
        // the writer blocks until the pipe is opened for reading; a process, so that it can be stopped if never
        final Process writer = new ProcessBuilder("sh", "-c",
                "printf 'session opened for 4\\nsession opened for 7\\n' > " + fifo).start();
        final Path out = dir.resolve("out.csv");
        final int code;
        try {
            code = new CommandLine(new LogParseCommand()).execute("--input", fifo.toString(), "--out",
                    out.toString());
        } finally {
            writer.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        assertEquals(0, code);
        assertEquals(List.of("session opened for <*>", "session opened for <*>"),
                TemplateCsv.read(out, "EventTemplate").stream().map(r -> r[0]).toList());
    }

    @Test
    void shouldExitWithUsageErrorForAMissingInput(@TempDir final Path dir) {
        final int code = new CommandLine(new LogParseCommand()).execute("--input", dir.resolve("nope").toString(),
                "--out", dir.resolve("o.csv").toString());
        assertEquals(2, code);
    }
}
