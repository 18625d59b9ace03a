package dev.vigil.analyzer.logs;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Accuracy of a log parser against ground-truth templates, as loghub's {@code score.py} computes it.
 *
 * <ul>
 *   <li>GA, grouping accuracy (Zhu et al., ICSE-SEIP 2019): the share of lines whose predicted group (the
 *       lines with the same predicted template) holds exactly the lines of their true group;</li>
 *   <li>PA, parsing accuracy: the share of lines whose predicted template equals the true one after runs of
 *       whitespace become one space and runs of adjacent {@code <*>} one {@code <*>};</li>
 *   <li>FGA (Jiang et al., ISSTA 2024): F1 of the share of predicted groups that are true groups and the
 *       share of true groups that were predicted.</li>
 * </ul>
 *
 * @param ga         grouping accuracy in [0, 1]
 * @param pa         parsing accuracy in [0, 1]
 * @param fga        F1 grouping accuracy in [0, 1]
 * @param groups     predicted groups
 * @param trueGroups ground-truth groups
 */
public record ParsingMetrics(double ga, double pa, double fga, int groups, int trueGroups) {
    private static final Pattern WILDCARD_RUN = Pattern.compile("<\\*>(?:\\s*<\\*>)+");
    private static final Pattern SPACES = Pattern.compile("\\s+");

    /**
     * @param truth     true template of each line
     * @param predicted predicted template of each line, as many
     * @return the scores
     * @throws IllegalArgumentException when the lists differ in length or are empty
     */
    public static ParsingMetrics score(final List<String> truth, final List<String> predicted) {
        if (truth.size() != predicted.size() || truth.isEmpty()) {
            throw new IllegalArgumentException("expected as many predicted as true templates (and some), got "
                    + predicted.size() + " predicted, " + truth.size() + " true");
        }
        final Map<String, Set<Integer>> trueGroups = groups(truth);
        final Map<String, Set<Integer>> predGroups = groups(predicted);
        final Set<Set<Integer>> trueSet = new HashSet<>(trueGroups.values());
        int correctGroups = 0;
        int correctLines = 0;
        for (final Set<Integer> g : predGroups.values()) {
            if (trueSet.contains(g)) {
                correctGroups++;
                correctLines += g.size();
            }
        }
        int parsed = 0;
        for (int i = 0; i < truth.size(); i++) {
            if (normalise(truth.get(i)).equals(normalise(predicted.get(i)))) {
                parsed++;
            }
        }
        final double precision = (double) correctGroups / predGroups.size();
        final double recall = (double) correctGroups / trueGroups.size();
        final double fga = correctGroups == 0 ? 0 : 2 * precision * recall / (precision + recall);
        return new ParsingMetrics((double) correctLines / truth.size(), (double) parsed / truth.size(), fga,
                predGroups.size(), trueGroups.size());
    }

    /**
     * @param template a template
     * @return it with whitespace runs as one space (trimmed) and runs of adjacent {@code <*>} as one
     */
    public static String normalise(final String template) {
        final String spaced = SPACES.matcher(template.strip()).replaceAll(" ");
        return WILDCARD_RUN.matcher(spaced).replaceAll("<*>");
    }

    private static Map<String, Set<Integer>> groups(final List<String> templates) {
        final Map<String, Set<Integer>> out = new HashMap<>();
        for (int i = 0; i < templates.size(); i++) {
            out.computeIfAbsent(templates.get(i), k -> new HashSet<>()).add(i);
        }
        return out;
    }
}
