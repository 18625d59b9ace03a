package dev.vigil.analyzer.nab;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * NAB's scorer (v1.1, the exhaustive threshold sweep of {@code nab/sweeper.py}), re-implemented
 * from the rules in the corpus' {@code SCORING.md}:
 * <ul>
 *   <li>the first min(floor(0.15 N), 750) rows of a file are probationary and never count;</li>
 *   <li>a row in a window is worth A_TP * sigma(-(R - i + 1) / W) / sigma(-1), a row outside
 *       A_FP * sigma(|i - R'| / (W' - 1)) after a window and -A_FP before any, with the scaled
 *       sigmoid sigma(y) = 2 / (1 + e^(5y)) - 1 (and -1 from y = 3 on);</li>
 *   <li>at threshold theta a window counts its earliest detection's value, or -A_FN without one;
 *       every detection outside windows adds its (negative) value;</li>
 *   <li>one theta per profile for the whole corpus: 1.1 and every distinct score of a scorable row,
 *       the best total wins, the higher theta on ties;</li>
 *   <li>normalized = 100 * (S - S_null) / (S_perfect - S_null), with the null detector (constant 0.5)
 *       swept the same way and S_perfect = A_TP * windows.</li>
 * </ul>
 * Rows pair with scores by position; windows match data timestamps exactly.
 */
public final class NabScorer {
    private static final double NO_DETECTION = 1.1;

    private NabScorer() {
    }

    /**
     * One file's share of the score at the chosen threshold.
     *
     * @param file corpus name
     * @param raw the file's part of S
     * @param windows windows with a scorable row
     * @param detected windows with a detection
     * @param falsePositives detections (rows) outside every window
     */
    public record FileScore(String file, double raw, int windows, int detected, int falsePositives) {
    }

    /**
     * A detector's score under one profile.
     *
     * @param profile the profile
     * @param threshold the corpus-wide threshold that maximizes S
     * @param raw S at that threshold
     * @param nullRaw S of the null detector
     * @param perfectRaw S of the perfect detector
     * @param normalized 100 * (raw - nullRaw) / (perfectRaw - nullRaw)
     * @param files per-file shares at the threshold, in corpus order
     */
    public record ProfileScore(NabProfile profile, double threshold, double raw, double nullRaw, double perfectRaw,
                               double normalized, List<FileScore> files) {
        /** @return windows detected, over the corpus */
        public int detected() {
            return files.stream().mapToInt(FileScore::detected).sum();
        }

        /** @return detections outside windows, over the corpus */
        public int falsePositives() {
            return files.stream().mapToInt(FileScore::falsePositives).sum();
        }
    }

    /** Per-row weights of one file under one profile. */
    private record Swept(String name, double[] scores, double[] value, int[] window, int probation, int windows) {
    }

    /**
     * Scores a detector on a corpus under every profile.
     *
     * @param files the data files, in corpus order
     * @param scores each file's anomaly scores, one per data row, same order as {@code files}
     * @param windows the labels; every file must have an entry
     * @return one score per profile, in {@link NabProfile} order
     * @throws NabException when a file has no labels entry, a score count differs from the row
     *     count, a score is NaN, or a window end is missing from its file
     */
    public static List<ProfileScore> score(final List<NabFile> files, final List<double[]> scores,
                                           final NabWindows windows) {
        if (files.size() != scores.size()) {
            throw new IllegalArgumentException(files.size() + " files but " + scores.size() + " score arrays");
        }
        for (int f = 0; f < files.size(); f++) {
            final NabFile file = files.get(f);
            if (!windows.byFile().containsKey(file.name())) {
                throw new NabException(file.name() + ": no entry in the windows file");
            }
            if (scores.get(f).length != file.size()) {
                throw new NabException(file.name() + ": " + scores.get(f).length + " scores for " + file.size()
                        + " data rows");
            }
            for (int i = 0; i < scores.get(f).length; i++) {
                if (Double.isNaN(scores.get(f)[i])) {
                    throw new NabException(file.name() + ": row " + (i + 1) + ": score is NaN");
                }
            }
        }
        if (files.stream().allMatch(f -> windows.byFile().get(f.name()).isEmpty())) {
            // the perfect detector then scores 0 as the null one does: every normalized score is 0/0
            throw new NabException("no labelled anomaly window in these files: NAB's score is undefined without one");
        }
        final List<ProfileScore> out = new ArrayList<>();
        for (final NabProfile profile : NabProfile.values()) {
            out.add(score(files, scores, windows, profile));
        }
        return out;
    }

    private static ProfileScore score(final List<NabFile> files, final List<double[]> scores,
                                      final NabWindows windows, final NabProfile profile) {
        final List<Swept> swept = new ArrayList<>();
        final List<Swept> nullSwept = new ArrayList<>();
        int windowCount = 0;
        int nextWindowId = 0;
        for (int f = 0; f < files.size(); f++) {
            final NabFile file = files.get(f);
            final List<NabWindows.Window> labels = windows.byFile().get(file.name());
            if (labels == null) {
                throw new NabException(file.name() + ": no entry in the windows file");
            }
            windowCount += labels.size();
            final Swept s = sweep(file, scores.get(f), labels, profile, nextWindowId);
            nextWindowId += s.windows();
            swept.add(s);
            final double[] constant = new double[file.size()];
            Arrays.fill(constant, 0.5);
            nullSwept.add(new Swept(s.name(), constant, s.value(), s.window(), s.probation(), s.windows()));
        }
        final double[] best = optimize(swept, nextWindowId, profile);
        final double nullRaw = optimize(nullSwept, nextWindowId, profile)[1];
        final double perfect = profile.tpWeight() * windowCount;
        final List<FileScore> perFile = new ArrayList<>();
        for (final Swept s : swept) {
            perFile.add(fileScore(s, best[0], profile));
        }
        return new ProfileScore(profile, best[0], best[1], nullRaw, perfect,
                100 * (best[1] - nullRaw) / (perfect - nullRaw), List.copyOf(perFile));
    }

    /** Walks one file's rows, giving each its TP or FP value and its window (-1 for none). */
    private static Swept sweep(final NabFile file, final double[] scores, final List<NabWindows.Window> labels,
                               final NabProfile profile, final int firstWindowId) {
        final int n = file.size();
        final long[] t = file.micros();
        final int probation = (int) Math.min(Math.floor(0.15 * n), 750);
        final double[] value = new double[n];
        final int[] window = new int[n];
        final double maxTp = scaledSigmoid(-1.0);
        int pending = 0;
        int currentRight = -1;
        double currentWidth = 0;
        long currentEnd = 0;
        int previousRight = -1;
        double previousWidth = 0;
        int windowId = firstWindowId - 1;
        boolean inWindow = false;
        boolean windowScorable = false;
        int scorableWindows = 0;
        for (int i = 0; i < n; i++) {
            if (pending < labels.size() && t[i] == labels.get(pending).start()) {
                final NabWindows.Window w = labels.get(pending++);
                currentRight = firstIndex(file, w.end());
                currentWidth = currentRight - firstIndex(file, w.start()) + 1;
                currentEnd = w.end();
                inWindow = true;
                windowScorable = false;
                windowId++;
            }
            if (inWindow) {
                value[i] = scaledSigmoid(-(currentRight - i + 1) / currentWidth) * profile.tpWeight() / maxTp;
                window[i] = windowId;
                if (i >= probation && !windowScorable) {
                    windowScorable = true;
                    scorableWindows++;
                }
            } else {
                final double past = previousRight < 0 ? 3.0 : Math.abs(previousRight - i) / (previousWidth - 1);
                value[i] = scaledSigmoid(past) * profile.fpWeight();
                window[i] = -1;
            }
            if (inWindow && t[i] == currentEnd) {
                previousRight = i;
                previousWidth = currentWidth;
                inWindow = false;
            }
        }
        if (pending < labels.size()) {
            throw new NabException(file.name() + ": window starting at " + NabFile.format(labels.get(pending).start())
                    + " is not in the file (or windows are not in time order)");
        }
        // A window with no scorable row has no id in NAB's sweep: its rows cannot be reached anyway.
        return new Swept(file.name(), scores, value, window, probation, windowId - firstWindowId + 1);
    }

    private static int firstIndex(final NabFile file, final long micros) {
        final long[] t = file.micros();
        for (int i = 0; i < t.length; i++) {
            if (t[i] == micros) {
                return i;
            }
        }
        throw new NabException(file.name() + ": window end " + NabFile.format(micros) + " is not a timestamp of the "
                + "file");
    }

    /** @return {threshold, S} maximizing S, the higher threshold on ties */
    private static double[] optimize(final List<Swept> files, final int windowIds, final NabProfile profile) {
        int rows = 0;
        for (final Swept s : files) {
            rows += s.scores().length - Math.min(s.probation(), s.scores().length);
        }
        final double[] score = new double[rows];
        final double[] value = new double[rows];
        final int[] window = new int[rows];
        final boolean[] hasScorableRow = new boolean[windowIds];
        int k = 0;
        for (final Swept s : files) {
            for (int i = s.probation(); i < s.scores().length; i++) {
                score[k] = s.scores()[i];
                value[k] = s.value()[i];
                window[k] = s.window()[i];
                if (window[k] >= 0) {
                    hasScorableRow[window[k]] = true;
                }
                k++;
            }
        }
        final Integer[] order = new Integer[rows];
        for (int i = 0; i < rows; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(score[b], score[a]));
        final double[] windowBest = new double[windowIds];
        double windows = 0;
        for (int w = 0; w < windowIds; w++) {
            if (hasScorableRow[w]) {
                windowBest[w] = -profile.fnWeight();
                windows -= profile.fnWeight();
            }
        }
        double fp = 0;
        double threshold = NO_DETECTION;
        double bestThreshold = NO_DETECTION;
        double best = windows;
        for (final int r : order) {
            if (score[r] != threshold) {
                if (fp + windows > best) {
                    best = fp + windows;
                    bestThreshold = threshold;
                }
                threshold = score[r];
            }
            if (window[r] < 0) {
                fp += value[r];
            } else if (value[r] > windowBest[window[r]]) {
                windows += value[r] - windowBest[window[r]];
                windowBest[window[r]] = value[r];
            }
        }
        if (fp + windows > best) {
            best = fp + windows;
            bestThreshold = threshold;
        }
        return new double[] {bestThreshold, best};
    }

    private static FileScore fileScore(final Swept s, final double threshold, final NabProfile profile) {
        final Map<Integer, Double> best = new java.util.HashMap<>();
        double fp = 0;
        int fpRows = 0;
        for (int i = s.probation(); i < s.scores().length; i++) {
            final int w = s.window()[i];
            if (w >= 0) {
                best.putIfAbsent(w, -profile.fnWeight());
                if (s.scores()[i] >= threshold) {
                    best.merge(w, s.value()[i], Math::max);
                }
            } else if (s.scores()[i] >= threshold) {
                fp += s.value()[i];
                fpRows++;
            }
        }
        final int detected = (int) best.values().stream().filter(v -> v > -profile.fnWeight()).count();
        final double raw = fp + best.values().stream().mapToDouble(Double::doubleValue).sum();
        return new FileScore(s.name(), raw, best.size(), detected, fpRows);
    }

    /**
     * NAB's scaled sigmoid.
     *
     * @param y relative position: -1 at a window's first row, 0 just past its end, positive after it
     * @return 2 / (1 + e^(5y)) - 1 for y &lt; 3, else -1
     */
    static double scaledSigmoid(final double y) {
        return y >= 3.0 ? -1.0 : 2.0 / (1.0 + Math.exp(5.0 * y)) - 1.0;
    }
}
