package dev.vigil.analyzer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.analyzer.anomaly.DetectorOptions;
import dev.vigil.analyzer.nab.NabException;
import dev.vigil.analyzer.nab.NabFile;
import dev.vigil.analyzer.nab.NabRunner;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class NabCommandTest {
    @TempDir
    Path dir;

    private static String time(final int row) {
        final int minutes = row * 5;
        return String.format("2014-04-%02d %02d:%02d:00", 1 + minutes / 1440, minutes / 60 % 24, minutes % 60);
    }

    /** Two files of 2000 rows: noise with a daily cycle; the first has a spike at row 1500 inside its window. */
    private Path corpus() throws IOException {
        final Random random = new Random(9);
        for (final String name : List.of("synthetic/spike.csv", "synthetic/calm.csv")) {
            final StringBuilder csv = new StringBuilder("timestamp,value\n");
            for (int i = 0; i < 2000; i++) {
                double v = 50 + 10 * Math.sin(2 * Math.PI * i / 288) + random.nextGaussian();
                if (name.contains("spike") && i == 1500) {
                    v += 60;
                }
                csv.append(time(i)).append(',').append(v).append('\n');
            }
            Files.createDirectories(dir.resolve("data/synthetic"));
            Files.writeString(dir.resolve("data").resolve(name), csv);
        }
        final Path windows = dir.resolve("windows.json");
        Files.writeString(windows, "{\"synthetic/spike.csv\": [[\"" + time(1400) + ".000000\", \"" + time(1600)
                + ".000000\"]], \"synthetic/calm.csv\": []}");
        return windows;
    }

    private static String run(final Object command, final String... args) {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final PrintStream saved = System.out;
        System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            assertEquals(0, new CommandLine(command).execute(args));
        } finally {
            System.setOut(saved);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void shouldWriteNabsLayoutAndScoreTheSpikeWindowAsDetected() throws Exception {
        // given a corpus with one spike inside its labelled window
        final Path windows = corpus();
        final Path out = dir.resolve("results");
        // when vigil nab runs over it
        run(new NabCommand(), "--data", dir.resolve("data").toString(), "--windows", windows.toString(),
                "--out", out.toString());
        // then each file has its results, one row per data row, labels set inside the window
        final List<String> lines = Files.readAllLines(out.resolve("vigil/synthetic/vigil_spike.csv"));
        assertEquals("timestamp,value,anomaly_score,label", lines.get(0));
        assertEquals(2001, lines.size());
        assertTrue(lines.get(1401).startsWith(time(1400) + ","));
        assertTrue(lines.get(1401).endsWith(",1") && lines.get(1400).endsWith(",0"));
        assertEquals(2001, Files.readAllLines(out.resolve("vigil/synthetic/vigil_calm.csv")).size());
        // and vigil nab-score finds the window detected with no false positive
        final JsonNode report = new ObjectMapper().readTree(run(new NabScoreCommand(), "--data",
                dir.resolve("data").toString(), "--windows", windows.toString(), "--results",
                out.resolve("vigil").toString(), "--json"));
        final JsonNode standard = report.get("profiles").get(0);
        assertEquals("STANDARD", standard.get("profile").asText());
        assertEquals(1, standard.get("files").get(0).get("detected").asInt());
        assertEquals(0, standard.get("files").get(1).get("falsePositives").asInt());
        assertTrue(standard.get("normalized").asDouble() > 80, report.toString());
    }

    @Test
    void shouldRepeatPassesIdenticallyAndTakeAnotherSeed() throws Exception {
        // given the corpus and its results with the default seed
        final Path windows = corpus();
        final String[] common = {"--data", dir.resolve("data").toString(), "--windows", windows.toString()};
        run(new NabCommand(), concat(common, "--out", dir.resolve("a").toString()));
        // when run again over two passes with the default seed given, and with another seed
        run(new NabCommand(), concat(common, "--out", dir.resolve("b").toString(), "--seed", "42", "--passes", "2"));
        run(new NabCommand(), concat(common, "--out", dir.resolve("c").toString(), "--seed", "7"));
        // then the same seed gives the same scores, pass after pass; another seed other forests
        final String file = "vigil/synthetic/vigil_spike.csv";
        final List<String> a = Files.readAllLines(dir.resolve("a").resolve(file));
        assertEquals(a, Files.readAllLines(dir.resolve("b").resolve(file)));
        assertNotEquals(a, Files.readAllLines(dir.resolve("c").resolve(file)), "seed 7 gave seed 42's scores");
    }

    @Test
    void shouldSayWhichRowHoldsAValueThatIsNotFinite() throws Exception {
        corpus();
        final Path calm = dir.resolve("data/synthetic/calm.csv");
        final List<String> lines = new ArrayList<>(Files.readAllLines(calm));
        lines.set(11, time(10) + ",NaN");
        Files.write(calm, lines);
        final NabFile file = NabFile.read(dir.resolve("data"), "synthetic/calm.csv");
        final NabException e = assertThrows(NabException.class,
                () -> NabRunner.run(file, DetectorOptions.defaults(), 1));
        assertEquals("synthetic/calm.csv:12: value 'NaN' is not a finite number", e.getMessage());
    }

    @Test
    void shouldReadAFileThatStartsWithAByteOrderMark() throws Exception {
        corpus();
        final Path calm = dir.resolve("data/synthetic/calm.csv");
        Files.writeString(calm, "\uFEFF" + Files.readString(calm));
        final NabFile file = NabFile.read(dir.resolve("data"), "synthetic/calm.csv");
        assertEquals(2000, file.size());
        assertEquals(time(0), file.timestamps().get(0));
    }

    @Test
    void shouldSayWhichListedFileTheCorpusLacks() throws Exception {
        corpus();
        Files.delete(dir.resolve("data/synthetic/calm.csv"));
        final NabException e = assertThrows(NabException.class,
                () -> NabFile.read(dir.resolve("data"), "synthetic/calm.csv"));
        assertTrue(e.getMessage().contains("not found, but the windows file names synthetic/calm.csv"), e.getMessage());
    }

    private static String[] concat(final String[] head, final String... tail) {
        final String[] all = java.util.Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, all, head.length, tail.length);
        return all;
    }
}
