package dev.vigil.analyzer.logs;

import java.util.Properties;

/**
 * Hyperparameters of the {@link TemplateMiner}. Immutable; the compact constructor validates every field.
 *
 * @param depth        depth of the parse tree, at least 3: the root, one level keyed by token count, then
 *                     {@code depth - 2} levels keyed by the first tokens of a message that hold no parameter
 * @param similarity   minimum share of a message's tokens, in (0, 1], that must equal the template's literal
 *                     tokens (positions already {@code <*>} do not count) for the message to join it
 * @param maxChildren  maximum children of an inner tree node, at least 2; further distinct tokens share the
 *                     wildcard child. Also the most templates of a leaf: past it the leaf's least recently matched
 *                     one is evicted, so that the templates a message is compared with stay bounded
 * @param maxTemplates maximum templates kept, at least 1; past it the least recently matched one is evicted
 * @param maxWordChanges maximum plain words (tokens without digits, not yet parameters) that may differ
 *                     between a message and the template it joins, at least 0
 * @param wordValues   distinct words a template position must show, at least 2, before the word there becomes a
 *                     parameter; until then each word keeps its own template (2: the first differing word joins)
 */
public record MinerOptions(int depth, double similarity, int maxChildren, int maxTemplates, int maxWordChanges,
                           int wordValues) {
    /** The one configuration used for every log source (see the module README for why). */
    public static final MinerOptions DEFAULTS = new MinerOptions(4, 0.5, 100, 10_000, 1, 4);

    /**
     * Options with the default word rule: {@code maxWordChanges} 1, {@code wordValues} 4.
     *
     * @param depth        see the record
     * @param similarity   see the record
     * @param maxChildren  see the record
     * @param maxTemplates see the record
     */
    public MinerOptions(final int depth, final double similarity, final int maxChildren, final int maxTemplates) {
        this(depth, similarity, maxChildren, maxTemplates, 1, 4);
    }

    /** Validates the fields; throws {@link IllegalArgumentException} naming the field, expected and actual value. */
    public MinerOptions {
        if (depth < 3) {
            throw new IllegalArgumentException("depth must be >= 3, was " + depth);
        }
        if (!(similarity > 0 && similarity <= 1)) {
            throw new IllegalArgumentException("similarity must be in (0, 1], was " + similarity);
        }
        if (maxChildren < 2) {
            throw new IllegalArgumentException("maxChildren must be >= 2, was " + maxChildren);
        }
        if (maxTemplates < 1) {
            throw new IllegalArgumentException("maxTemplates must be >= 1, was " + maxTemplates);
        }
        if (maxWordChanges < 0) {
            throw new IllegalArgumentException("maxWordChanges must be >= 0, was " + maxWordChanges);
        }
        if (wordValues < 2) {
            throw new IllegalArgumentException("wordValues must be >= 2, was " + wordValues);
        }
    }

    /** @return the defaults, {@link #DEFAULTS} */
    public static MinerOptions defaults() {
        return DEFAULTS;
    }

    /** @return the options as properties {@code logs.miner.depth}, {@code .similarity}, ... */
    public Properties toProperties() {
        final Properties p = new Properties();
        p.setProperty("logs.miner.depth", Integer.toString(depth));
        p.setProperty("logs.miner.similarity", Double.toString(similarity));
        p.setProperty("logs.miner.max.children", Integer.toString(maxChildren));
        p.setProperty("logs.miner.max.templates", Integer.toString(maxTemplates));
        p.setProperty("logs.miner.max.word.changes", Integer.toString(maxWordChanges));
        p.setProperty("logs.miner.word.values", Integer.toString(wordValues));
        return p;
    }

    /**
     * @param p properties as written by {@link #toProperties()}; missing keys take the defaults
     * @return the options
     */
    public static MinerOptions of(final Properties p) {
        return new MinerOptions(
                Integer.parseInt(p.getProperty("logs.miner.depth", Integer.toString(DEFAULTS.depth))),
                Double.parseDouble(p.getProperty("logs.miner.similarity", Double.toString(DEFAULTS.similarity))),
                Integer.parseInt(p.getProperty("logs.miner.max.children", Integer.toString(DEFAULTS.maxChildren))),
                Integer.parseInt(p.getProperty("logs.miner.max.templates", Integer.toString(DEFAULTS.maxTemplates))),
                Integer.parseInt(p.getProperty("logs.miner.max.word.changes",
                        Integer.toString(DEFAULTS.maxWordChanges))),
                Integer.parseInt(p.getProperty("logs.miner.word.values", Integer.toString(DEFAULTS.wordValues))));
    }
}
