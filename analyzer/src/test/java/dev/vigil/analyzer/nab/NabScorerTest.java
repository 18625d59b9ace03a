package dev.vigil.analyzer.nab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NabScorerTest {
    @TempDir
    Path dir;

    /** 100 rows, 5 minutes apart: probation is 15 rows. */
    private NabFile file(final String name) throws IOException {
        final Path path = dir.resolve(name);
        Files.createDirectories(path.getParent());
        final StringBuilder csv = new StringBuilder("timestamp,value\r\n");
        for (int i = 0; i < 100; i++) {
            csv.append(String.format("2014-04-01 %02d:%02d:00,%d\r\n", i * 5 / 60, i * 5 % 60, i));
        }
        Files.writeString(path, csv);
        return NabFile.read(dir, name);
    }

    private static String time(final int row) {
        return String.format("2014-04-01 %02d:%02d:00.000000", row * 5 / 60, row * 5 % 60);
    }

    private NabWindows windows(final String json) throws IOException {
        final Path path = dir.resolve("windows.json");
        Files.writeString(path, json);
        return NabWindows.read(path);
    }

    @Test
    void shouldMatchNabsScaledSigmoidReferenceValues() {
        assertEquals(0.98661, NabScorer.scaledSigmoid(-1.0), 1e-5);
        assertEquals(0.84828, NabScorer.scaledSigmoid(-0.5), 1e-5);
        assertEquals(0.0, NabScorer.scaledSigmoid(0.0), 1e-12);
        assertEquals(-0.98661, NabScorer.scaledSigmoid(1.0), 1e-5);
        assertEquals(-1.0, NabScorer.scaledSigmoid(3.0));
    }

    @Test
    void shouldScoreAnEarlyDetectionAnFpAfterTheWindowAndNormalize() throws IOException {
        // given one window over rows 40..59 (W = 20) and a detection on its first row and one 10 rows after it
        final NabFile f = file("cat/a.csv");
        final NabWindows w = windows("{\"cat/a.csv\": [[\"" + time(40) + "\", \"" + time(59) + "\"]]}");
        final double[] scores = new double[100];
        scores[40] = 0.9;
        scores[45] = 0.9;
        scores[69] = 0.8;
        scores[5] = 1.0; // probationary: never counts
        // when scored
        final NabScorer.ProfileScore standard = NabScorer.score(List.of(f), List.of(scores), w).get(0);
        // then theta = 0.9 keeps the TP (worth exactly 1) without the FP; at 0.8 the FP at y = 10/19 costs
        final double fpAt69 = 0.11 * NabScorer.scaledSigmoid(10.0 / 19);
        assertEquals(0.9, standard.threshold());
        assertEquals(1.0, standard.raw(), 1e-12);
        assertEquals(-1.0, standard.nullRaw());
        assertEquals(1.0, standard.perfectRaw());
        assertEquals(100.0, standard.normalized(), 1e-9);
        assertEquals(1, standard.detected());
        assertEquals(0, standard.falsePositives());
        assertEquals(-0.0952, fpAt69, 1e-4); // 0.11 * (2 / (1 + e^(50/19)) - 1): costs, so 0.8 loses
    }

    @Test
    void shouldPreferTheHigherThresholdOnTiesAndCountRepeatedDetectionsOnce() throws IOException {
        final NabFile f = file("cat/a.csv");
        final NabWindows w = windows("{\"cat/a.csv\": [[\"" + time(40) + "\", \"" + time(59) + "\"]]}");
        final double[] scores = new double[100];
        scores[50] = 0.7; // mid-window: worth sigma(-(59-50+1)/20)/sigma(-1)
        scores[51] = 0.7;
        scores[52] = 0.6; // a later detection in the same window adds nothing, so 0.7 wins the tie
        final NabScorer.ProfileScore s = NabScorer.score(List.of(f), List.of(scores), w).get(0);
        assertEquals(0.7, s.threshold());
        assertEquals(NabScorer.scaledSigmoid(-0.5) / NabScorer.scaledSigmoid(-1), s.raw(), 1e-12);
    }

    @Test
    void shouldPenalizeEveryDetectionInAFileWithoutWindowsAndUseProfileWeights() throws IOException {
        final NabFile a = file("cat/a.csv");
        final NabFile b = file("cat/b.csv");
        final NabWindows w = windows("{\"cat/a.csv\": [[\"" + time(40) + "\", \"" + time(59) + "\"]], "
                + "\"cat/b.csv\": []}");
        final double[] sa = new double[100];
        sa[40] = 0.5;
        final double[] sb = new double[100];
        sb[20] = 0.5;
        sb[30] = 0.5;
        final List<NabScorer.ProfileScore> all = NabScorer.score(List.of(a, b), List.of(sa, sb), w);
        // standard: 1 - 2 * 0.11 beats -1; low FP: 1 - 2 * 0.22; low FN: 1 - 0.22 against null -2
        assertEquals(1 - 0.22, all.get(0).raw(), 1e-12);
        assertEquals(1 - 0.44, all.get(1).raw(), 1e-12);
        assertEquals(100 * (1 - 0.22 + 2) / 3, all.get(2).normalized(), 1e-9);
        assertEquals(2, all.get(0).files().get(1).falsePositives());
    }

    @Test
    void shouldRejectMismatchedRowsNanUnknownFilesAndACorpusWithoutWindows() throws IOException {
        final NabFile f = file("cat/a.csv");
        final NabWindows w = windows("{\"cat/a.csv\": [[\"" + time(40) + "\", \"" + time(59) + "\"]]}");
        assertTrue(assertThrows(NabException.class, () -> NabScorer.score(List.of(f), List.of(new double[99]), w))
                .getMessage().contains("99 scores for 100 data rows"));
        final double[] nan = new double[100];
        nan[3] = Double.NaN;
        assertTrue(assertThrows(NabException.class, () -> NabScorer.score(List.of(f), List.of(nan), w)).getMessage()
                .contains("row 4: score is NaN"));
        final NabWindows other = windows("{\"cat/z.csv\": []}");
        assertTrue(assertThrows(NabException.class, () -> NabScorer.score(List.of(f), List.of(new double[100]),
                other)).getMessage().contains("no entry in the windows file"));
        Files.writeString(dir.resolve("cat/bad.csv"),
                "timestamp,value\n2014-04-01 00:00:00,1\n\n2014-04-01 00:05:00,abc\n");
        assertEquals("cat/bad.csv:4: bad value 'abc'", assertThrows(NabException.class,
                () -> NabFile.read(dir, "cat/bad.csv").value(1)).getMessage(), "its line, blank lines counted");
        final NabWindows outside = windows("{\"cat/a.csv\": [[\"2015-01-01 00:00:00.000000\", \"" + time(59) + "\"]]}");
        assertTrue(assertThrows(NabException.class, () -> NabScorer.score(List.of(f), List.of(new double[100]),
                outside)).getMessage().contains("window starting at 2015-01-01 00:00:00 is not in the file"));
        final NabWindows none = windows("{\"cat/a.csv\": []}");
        assertTrue(assertThrows(NabException.class, () -> NabScorer.score(List.of(f), List.of(new double[100]),
                none)).getMessage().contains("no labelled anomaly window"), "scores would be 0/0, NaN");
    }

    /** NAB's own results for its Numenta HTM detector, scored on the shared subset, give 61.3 / 54.3 / 66.2. */
    @Test
    void shouldReproduceNumentasScoresOnTheSubset() {
        final Path nab = NabData.dir();
        final NabWindows w = NabWindows.read(nab.resolve("labels/combined_windows.json"));
        final List<NabFile> files = new ArrayList<>();
        final List<double[]> scores = new ArrayList<>();
        for (final String name : w.byFile().keySet()) {
            final NabFile f = NabFile.read(nab.resolve("data"), name);
            files.add(f);
            scores.add(NabResults.readScores(nab.resolve("results/numenta"), f));
        }
        final List<NabScorer.ProfileScore> s = NabScorer.score(files, scores, w);
        final Map<NabProfile, Double> expected = Map.of(NabProfile.STANDARD, 61.3,
                NabProfile.REWARD_LOW_FP_RATE, 54.3, NabProfile.REWARD_LOW_FN_RATE, 66.2);
        for (final NabScorer.ProfileScore p : s) {
            assertEquals(expected.get(p.profile()), p.normalized(), 0.05, p.profile().nabName());
            assertEquals(-25.0 * p.profile().fnWeight(), p.nullRaw());
            assertEquals(25.0, p.perfectRaw());
        }
    }
}
