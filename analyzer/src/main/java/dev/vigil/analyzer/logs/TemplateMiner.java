package dev.vigil.analyzer.logs;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An online log template miner after Drain (He, Zhu, Zheng, Lyu: "Drain: An Online Log Parsing Approach with
 * Fixed Depth Tree", ICWS 2017). Each message is split at whitespace, its tokens are masked ({@link Masker}),
 * then a fixed-depth tree routes it by token count and leading tokens to a short list of templates; the most
 * similar one whose share of equal tokens reaches {@link MinerOptions#similarity()}, and in which at most
 * {@link MinerOptions#maxWordChanges()} plain words (tokens without digits) differ, absorbs it (positions that
 * differ become {@code <*>}, keeping common punctuation), otherwise the message starts a new template.
 * Departures from Drain: that word rule, richer masking, and runs of list items ({@code 3 4 5}) taken as one
 * token; see the module README for why they should hold on logs never seen.
 *
 * <p>Ids: a template's id is derived from its first text and never changes, see {@link Template#id()}.
 * Memory is bounded by {@link MinerOptions#maxTemplates()}: past it the least recently matched template is
 * evicted (a message of that event later starts it again, under the same id when its first text is the
 * same). Not thread-safe: one miner per stream task.
 */
public final class TemplateMiner {
    private final MinerOptions options;
    private final Map<Integer, Node> byLength = new HashMap<>();
    /** Every cluster by id, in access order: the eldest is the least recently matched. */
    private final LinkedHashMap<String, Cluster> clusters = new LinkedHashMap<>(64, 0.75f, true);

    /** @param options hyperparameters */
    public TemplateMiner(final MinerOptions options) {
        this.options = options;
    }

    /**
     * Learns from one message and returns its template.
     *
     * @param message the log message (without its header), any length; blank gives the empty template
     * @return the match, never null
     */
    public TemplateMatch add(final String message) {
        final Tokens.Line line = Tokens.line(message);
        final String[] raw = line.raw();
        final String[] masked = line.masked();
        final String[] route = new String[routeLength(masked)];
        // classify first, as match() does, so a template reached through a wildcard child (imported, or
        // generalized at a routing token) is found before a new branch is grown for the literal token
        final List<Cluster> seen = leaf(masked, route, false);
        final Cluster best = seen == null ? null : best(seen, masked);
        if (best == null) {
            final List<Cluster> leaf = leaf(masked, route, true);
            final Cluster created = create(leaf, route, masked.clone());
            return matchOf(created, raw, true, false);
        }
        boolean changed = false;
        for (int i = 0; i < masked.length; i++) {
            if (!covers(best.tokens()[i], masked[i])) {
                best.generalize(i, Masker.generalize(best.tokens()[i], masked[i]));
                changed = true;
            }
        }
        best.count++;
        clusters.get(best.id); // touch: most recently used
        return matchOf(best, raw, false, changed);
    }

    /**
     * Classifies one message without learning.
     *
     * @param message the log message
     * @return the match (never new, never changed), or null when no template is similar enough
     */
    public TemplateMatch match(final String message) {
        final Tokens.Line line = Tokens.line(message);
        final String[] raw = line.raw();
        final String[] masked = line.masked();
        final List<Cluster> leaf = leaf(masked, new String[routeLength(masked)], false);
        final Cluster best = leaf == null ? null : best(leaf, masked);
        return best == null ? null : matchOf(best, raw, false, false);
    }

    /**
     * Adds a template learned elsewhere (another instance, the compacted template topic) unless its id is known.
     *
     * @param template a template as returned by {@link #templates()}
     * @return true when it was added
     */
    public boolean addTemplate(final Template template) {
        if (clusters.containsKey(template.id())) {
            return false;
        }
        final String[] tokens = Tokens.split(template.template());
        final Cluster c = new Cluster(template.id(), pathOf(tokens), tokens, Math.max(1, template.count()));
        insert(c);
        return true;
    }

    /** @return a snapshot of the templates, least recently matched first */
    public Collection<Template> templates() {
        final List<Template> out = new ArrayList<>(clusters.size());
        for (final Cluster c : clusters.values()) {
            out.add(c.toTemplate());
        }
        return out;
    }

    /** @return the number of templates held, at most {@link MinerOptions#maxTemplates()} */
    public int size() {
        return clusters.size();
    }

    /** @return tree nodes below the root, for tests of the memory bound */
    int nodeCount() {
        int n = 0;
        final List<Node> todo = new ArrayList<>(byLength.values());
        while (!todo.isEmpty()) {
            final Node node = todo.remove(todo.size() - 1);
            n++;
            todo.addAll(node.children.values());
        }
        return n;
    }

    /** @return the hyperparameters */
    public MinerOptions options() {
        return options;
    }

    /** @return the whole state (templates, tree paths, counts, recency order), see {@link MinerState} */
    public byte[] toBytes() {
        return MinerState.write(clusters.values());
    }

    /**
     * @param state   bytes from {@link #toBytes()}
     * @param options hyperparameters; need not equal the writer's
     * @return a miner that continues where the writer stopped
     * @throws IllegalArgumentException when the bytes are not a miner state
     */
    public static TemplateMiner fromBytes(final byte[] state, final MinerOptions options) {
        final TemplateMiner miner = new TemplateMiner(options);
        for (final Cluster c : MinerState.read(state)) {
            miner.insert(c);
        }
        miner.evict();
        return miner;
    }

    private Cluster create(final List<Cluster> leaf, final String[] route, final String[] tokens) {
        final String text = String.join(" ", tokens);
        int attempt = 0;
        String id = Cluster.idOf(text, attempt);
        while (clusters.containsKey(id)) {
            id = Cluster.idOf(text, ++attempt);
        }
        final Cluster c = new Cluster(id, route, tokens, 1);
        c.leaf = leaf;
        leaf.add(c);
        clusters.put(id, c);
        evict();
        return c;
    }

    private void insert(final Cluster c) {
        final Node lengthNode = byLength.computeIfAbsent(c.tokens().length, k -> new Node());
        Node node = lengthNode;
        for (final String key : c.path) {
            node = node.children.computeIfAbsent(key, k -> new Node());
        }
        c.leaf = node.clusters;
        node.clusters.add(c);
        clusters.put(c.id, c);
    }

    private void evict() {
        final Iterator<Cluster> it = clusters.values().iterator();
        while (clusters.size() > options.maxTemplates() && it.hasNext()) {
            final Cluster eldest = it.next();
            it.remove();
            unlink(eldest);
        }
    }

    /** Removes a cluster from its leaf, then every tree node that is left empty, so the tree stays bounded. */
    private void unlink(final Cluster c) {
        c.leaf.remove(c);
        final int length = c.tokens().length;
        final Node[] chain = new Node[c.path.length + 1];
        chain[0] = byLength.get(length);
        for (int i = 0; i < c.path.length && chain[i] != null; i++) {
            chain[i + 1] = chain[i].children.get(c.path[i]);
        }
        for (int i = c.path.length; i > 0; i--) {
            if (chain[i] == null || !chain[i].isEmpty()) {
                return;
            }
            chain[i - 1].children.remove(c.path[i - 1]);
        }
        if (chain[0] != null && chain[0].isEmpty()) {
            byLength.remove(length);
        }
    }

    private int routeLength(final String[] masked) {
        return Math.min(options.depth() - 2, masked.length);
    }

    /** @return the tree key of a token: itself, or the wildcard when it holds a parameter */
    private static String keyOf(final String token) {
        return Masker.isVariable(token) ? Masker.WILDCARD : token;
    }

    private String[] pathOf(final String[] tokens) {
        final String[] path = new String[routeLength(tokens)];
        for (int i = 0; i < path.length; i++) {
            path[i] = keyOf(tokens[i]);
        }
        return path;
    }

    /**
     * Walks the tree by token count, then by leading tokens; when learning, grows it, and a node with
     * {@code maxChildren - 1} children sends further tokens to its wildcard child.
     *
     * @param masked the message's masked tokens
     * @param route  filled with the key taken at each level, the cluster's path if one is created here
     * @param learn  whether to create missing nodes
     * @return the leaf's clusters, or null when not learning and no leaf fits
     */
    private List<Cluster> leaf(final String[] masked, final String[] route, final boolean learn) {
        Node node = learn ? byLength.computeIfAbsent(masked.length, k -> new Node()) : byLength.get(masked.length);
        for (int i = 0; i < route.length && node != null; i++) {
            String key = keyOf(masked[i]);
            Node next = node.children.get(key);
            if (next == null) {
                final boolean room = node.children.size() < options.maxChildren() - 1;
                if (!learn || !room) {
                    key = Masker.WILDCARD;
                    next = node.children.get(key);
                }
                if (learn && next == null) {
                    next = node.children.computeIfAbsent(key, k -> new Node());
                }
            }
            route[i] = key;
            node = next;
        }
        return node == null ? null : node.clusters;
    }

    private Cluster best(final List<Cluster> leaf, final String[] masked) {
        Cluster best = null;
        double bestSim = -1;
        int bestParams = -1;
        for (final Cluster c : leaf) {
            int equal = 0;
            int params = 0;
            int wordDiffs = 0;
            final String[] tokens = c.tokens();
            for (int i = 0; i < masked.length; i++) {
                final String t = tokens[i];
                if (t.equals(Masker.WILDCARD)) {
                    params++;
                } else if (covers(t, masked[i])) {
                    equal++;
                } else if (!Masker.isVariable(masked[i]) && !Masker.isVariable(t)) {
                    wordDiffs++;
                }
            }
            // two plain words changing at once mark another event more often than two word-valued parameters
            final double sim = wordDiffs > options.maxWordChanges() ? 0
                    : masked.length == 0 ? 1 : (double) equal / masked.length;
            if (sim > bestSim || sim == bestSim && params > bestParams) {
                best = c;
                bestSim = sim;
                bestParams = params;
            }
        }
        return bestSim >= options.similarity() ? best : null;
    }

    /** @return true when the template token stands for the masked token: equal, or a pattern that covers it */
    private static boolean covers(final String template, final String masked) {
        return template.equals(masked) || template.equals(Masker.WILDCARD)
                || Masker.isVariable(template) && Masker.covers(template, masked);
    }

    private static TemplateMatch matchOf(final Cluster c, final String[] raw, final boolean created,
                                         final boolean changed) {
        return new TemplateMatch(c.id, c.template(), Tokens.parameters(c.tokens(), raw), created, changed);
    }

    /** An inner node (children by token) or a leaf (clusters). */
    private static final class Node {
        final Map<String, Node> children = new HashMap<>();
        final List<Cluster> clusters = new ArrayList<>(2);

        boolean isEmpty() {
            return children.isEmpty() && clusters.isEmpty();
        }
    }
}
