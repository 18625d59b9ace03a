package dev.vigil.analyzer.logs;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

/**
 * An online log template miner after Drain (He, Zhu, Zheng, Lyu: "Drain: An Online Log Parsing Approach with
 * Fixed Depth Tree", ICWS 2017). Each message is split at whitespace, its tokens are masked ({@link Masker}),
 * then a fixed-depth tree routes it by token count and leading constant tokens to a short list of templates; the most
 * similar one whose share of equal tokens reaches {@link MinerOptions#similarity()}, and in which at most
 * {@link MinerOptions#maxWordChanges()} words differ (plain words, or named instances of different names such as
 * {@code ee0} and {@code alt0}), absorbs it (positions that
 * differ become {@code <*>}, keeping common punctuation), otherwise the message starts a new template. A
 * differing word joins only once its position has shown {@link MinerOptions#wordValues()} different words, but
 * several {@code key=value} fields that differ at once are parameters, and fields of different keys never join; a
 * template that generalizes absorbs the templates that it then covers, in its leaf or, past a parameter among the
 * routing tokens, in any leaf of its length.
 * Departures from Drain: that word rule, richer masking, runs of list items ({@code 3 4 5}) and a reason in
 * parentheses that ends a message taken as one token, an empty value after a label that ends a message, and routing
 * by tokens without parameters; see docs/ANALYZER.md for why they should hold on logs never seen.
 *
 * <p>Ids: a template's id is derived from its first text and never changes, see {@link Template#id()}.
 * Memory is bounded by {@link MinerOptions#maxTemplates()} and the stored state by {@link #MAX_STATE_BYTES}: past
 * either the least recently matched template is evicted (a message of that event later starts it again, under the
 * same id when its first text is the same). Not thread-safe: one miner per stream task.
 */
public final class TemplateMiner {
    /**
     * Most bytes of the stored state ({@link #toBytes}): it is one record of the miner's changelog, which a Kafka
     * producer sends only up to {@code max.request.size} (1 MiB by default); a larger state failed every commit of its
     * stream task, so the task stopped for good. About 5,500 templates of 12 words (and their word records).
     */
    public static final int MAX_STATE_BYTES = 900 * 1024;
    private final MinerOptions options;
    private final Map<Integer, Node> byLength = new HashMap<>();
    /** Every cluster by id, in access order: the eldest is the least recently matched. */
    private final LinkedHashMap<String, Cluster> clusters = new LinkedHashMap<>(64, 0.75f, true);
    /**
     * Words seen where a message differed from its nearest template by plain words only, by that template's text
     * with those positions masked, least recently updated first; see {@link #enoughWordValues}.
     */
    private final LinkedHashMap<String, Set<String>> wordValues = new LinkedHashMap<>();
    /** See {@link #changes()}. */
    private long changes;
    /** Ticks at each match, creation or insertion: {@link Cluster#touched} orders a leaf's templates by recency. */
    private long clock;

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
        // classify first, as match() does, so a template behind a wildcard child (imported, or after a
        // node filled up) is found before a new branch is grown for the token
        final List<Cluster> seen = find(masked);
        final Cluster best = seen == null ? null : choose(seen, masked, true);
        if (best == null) {
            final String[] route = new String[routeLength(masked)];
            final List<Cluster> leaf = grow(masked, route);
            final Cluster created = create(leaf, route, masked.clone());
            return matchOf(created, raw, true, false, List.of());
        }
        boolean changed = false;
        for (int i = 0; i < masked.length; i++) {
            if (!covers(best.tokens()[i], masked[i])) {
                best.generalize(i, Masker.generalize(best.tokens()[i], masked[i]));
                changed = true;
            }
        }
        best.count++;
        touch(best);
        if (!changed) {
            return matchOf(best, raw, false, false, List.of());
        }
        changes++;
        final List<String> absorbed = new ArrayList<>(2);
        final Cluster survivor = absorbCovered(best, absorbed);
        return matchOf(survivor, raw, false, true, absorbed);
    }

    /**
     * @return how many times the learned state changed (templates, their texts, the words seen): a caller that
     *     stores the state stores it when this moves
     */
    public long changes() {
        return changes;
    }

    /**
     * @param learn whether to record the words this message shows (add) or only look (match)
     * @return the template of the leaf that the message joins, or null
     */
    private Cluster choose(final List<Cluster> leaf, final String[] masked, final boolean learn) {
        final Cluster best = best(leaf, masked, options.maxWordChanges());
        if (best != null) {
            final int[] words = wordDiffs(best.tokens(), masked);
            if (words.length > 0 && !enoughWordValues(best.tokens(), masked, words, learn)) {
                // too few words seen there yet to call it a parameter: a template without word changes, or none
                return best(leaf, masked, 0);
            }
        }
        return best;
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
        final List<Cluster> leaf = find(masked);
        final Cluster best = leaf == null ? null : choose(leaf, masked, false);
        return best == null ? null : matchOf(best, raw, false, false, List.of());
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
        changes++;
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

    /**
     * The whole state, which must fit one changelog record: when it would be over {@link #MAX_STATE_BYTES}, the least
     * recently matched templates and least recently updated word records are evicted first, in proportion.
     *
     * @return the whole state (templates, tree paths, counts, recency order), see {@link MinerState}; at most
     *     {@link #MAX_STATE_BYTES}
     */
    public byte[] toBytes() {
        byte[] bytes = MinerState.write(clusters.values(), wordValues);
        while (bytes.length > MAX_STATE_BYTES) {
            final double keep = 0.9 * MAX_STATE_BYTES / bytes.length;
            evictTo((int) (clusters.size() * keep), (int) (wordValues.size() * keep));
            bytes = MinerState.write(clusters.values(), wordValues);
        }
        return bytes;
    }

    /**
     * @param state   bytes from {@link #toBytes()}
     * @param options hyperparameters; need not equal the writer's
     * @return a miner that continues where the writer stopped
     * @throws IllegalArgumentException when the bytes are not a miner state
     */
    public static TemplateMiner fromBytes(final byte[] state, final MinerOptions options) {
        final TemplateMiner miner = new TemplateMiner(options);
        final MinerState.Decoded decoded = MinerState.read(state);
        for (final Cluster c : decoded.clusters()) {
            miner.insert(c);
        }
        miner.wordValues.putAll(decoded.wordValues());
        miner.evict();
        miner.evictWordValues();
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
        makeRoom(leaf);
        c.leaf = leaf;
        c.touched = ++clock;
        leaf.add(c);
        clusters.put(id, c);
        changes++;
        evict();
        return c;
    }

    private void insert(final Cluster c) {
        final Node lengthNode = byLength.computeIfAbsent(c.tokens().length, k -> new Node());
        Node node = lengthNode;
        for (final String key : c.path) {
            node = node.children.computeIfAbsent(key, k -> new Node());
        }
        makeRoom(node.clusters);
        c.leaf = node.clusters;
        c.touched = ++clock;
        node.clusters.add(c);
        clusters.put(c.id, c);
    }

    /** Marks a template as the most recently matched, in the miner's order and its leaf's. */
    private void touch(final Cluster c) {
        clusters.get(c.id);
        c.touched = ++clock;
    }

    /**
     * Evicts the least recently matched template of a leaf that holds {@link MinerOptions#maxChildren()}: every
     * message is compared with each template of its leaf, so an unbounded leaf made the cost per message grow with
     * the templates (lines of random words, all in the wildcard leaf: 0.6 ms per line at 10,000 templates).
     */
    private void makeRoom(final List<Cluster> leaf) {
        if (leaf.size() < options.maxChildren()) {
            return;
        }
        Cluster eldest = leaf.get(0);
        for (final Cluster c : leaf) {
            if (c.touched < eldest.touched) {
                eldest = c;
            }
        }
        clusters.remove(eldest.id);
        unlink(eldest);
    }

    private void evict() {
        evictTo(options.maxTemplates(), Integer.MAX_VALUE);
    }

    /** Evicts the least recently matched templates and least recently updated word records beyond these counts. */
    private void evictTo(final int templates, final int words) {
        final Iterator<Cluster> it = clusters.values().iterator();
        while (clusters.size() > templates && it.hasNext()) {
            final Cluster eldest = it.next();
            it.remove();
            unlink(eldest);
        }
        final Iterator<String> w = wordValues.keySet().iterator();
        while (wordValues.size() > words && w.hasNext()) {
            w.next();
            w.remove();
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
        int constants = 0;
        for (int i = 0; i < masked.length && constants < options.depth() - 2; i++) {
            if (!Masker.isVariable(masked[i])) {
                constants++;
            }
        }
        return constants;
    }

    /** @return the positions of the first constant tokens, which key the tree levels */
    private int[] routePositions(final String[] masked, final int length) {
        final int[] pos = new int[length];
        int k = 0;
        for (int i = 0; i < masked.length && k < length; i++) {
            if (!Masker.isVariable(masked[i])) {
                pos[k++] = i;
            }
        }
        return pos;
    }

    private String[] pathOf(final String[] tokens) {
        final String[] path = new String[routeLength(tokens)];
        final int[] pos = routePositions(tokens, path.length);
        for (int i = 0; i < path.length; i++) {
            path[i] = routeKey(tokens[pos[i]]);
        }
        return path;
    }

    /**
     * A field ({@code attr=mail}) routes by its key: its value may be a parameter, which only the templates of one
     * leaf can tell (the word rule), and a leaf per value kept them apart for good.
     */
    private static String routeKey(final String token) {
        final int eq = keyEnd(token);
        return eq > 0 ? token.substring(0, eq + 1) : token;
    }

    /**
     * Finds the leaf for a message without changing the tree: by token count, then by its first constant
     * tokens, taking a token's own child, else the wildcard child; a token with neither is skipped, as a
     * parameter of a template learned elsewhere would have been (imported templates route by their
     * generalized text).
     *
     * @param masked the message's masked tokens
     * @return the leaf's clusters, or null when no node fits
     */
    private List<Cluster> find(final String[] masked) {
        Node node = byLength.get(masked.length);
        final int levels = routeLength(masked);
        int level = 0;
        for (int i = 0; i < masked.length && level < levels && node != null; i++) {
            if (Masker.isVariable(masked[i])) {
                continue;
            }
            Node next = node.children.get(masked[i]);
            if (next == null && keyEnd(masked[i]) > 0) { // a state stored before fields routed by their keys
                next = node.children.get(routeKey(masked[i]));
            }
            if (next == null) {
                next = node.children.get(Masker.WILDCARD);
            }
            if (next != null) {
                node = next;
                level++;
            }
        }
        return node == null ? null : node.clusters;
    }

    /**
     * Walks the tree by token count, then by the first {@code depth - 2} constant tokens (tokens without a
     * parameter: in logs with a timestamp or id first, these still tell events apart), growing it; a node
     * with {@code maxChildren - 1} children sends further tokens to its wildcard child.
     *
     * @param masked the message's masked tokens
     * @param route  filled with the key taken at each level: the new cluster's path
     * @return the leaf's clusters
     */
    private List<Cluster> grow(final String[] masked, final String[] route) {
        Node node = byLength.computeIfAbsent(masked.length, k -> new Node());
        final int[] pos = routePositions(masked, route.length);
        for (int i = 0; i < route.length; i++) {
            String key = routeKey(masked[pos[i]]);
            if (!node.children.containsKey(key) && node.children.size() >= options.maxChildren() - 1) {
                key = Masker.WILDCARD;
            }
            route[i] = key;
            node = node.children.computeIfAbsent(key, k -> new Node());
        }
        return node.clusters;
    }

    /**
     * @param maxWordChanges plain words that may differ between the message and a template it joins
     * @return the most similar template of the leaf that reaches the similarity, or null
     */
    private Cluster best(final List<Cluster> leaf, final String[] masked, final int maxWordChanges) {
        Cluster best = null;
        double bestSim = -1;
        int bestParams = -1;
        final int n = masked.length;
        for (final Cluster c : leaf) {
            int equal = 0;
            int params = 0;
            int wordDiffs = 0;
            int fieldDiffs = 0;
            final String[] tokens = c.tokens();
            int i = 0;
            for (; i < n; i++) {
                final String t = tokens[i];
                if (t.equals(Masker.WILDCARD)) {
                    params++;
                } else if (covers(t, masked[i])) {
                    equal++;
                } else if (isKeyChange(t, masked[i])) {
                    break;
                } else if (isFieldChange(t, masked[i])) {
                    fieldDiffs++;
                } else if (differsInText(t, masked[i]) && ++wordDiffs > maxWordChanges) {
                    // two plain words changing at once mark another event more often than two parameters do
                    break;
                }
            }
            if (i < n || fieldDiffs == 1 && ++wordDiffs > maxWordChanges) {
                continue;
            }
            final double sim = n == 0 ? 1 : (double) equal / n;
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
                || template.indexOf('<') >= 0 && Masker.isVariable(template) && Masker.covers(template, masked);
    }

    /**
     * Whether two tokens that differ count as different words for the word rule: plain words, or named
     * instances whose names differ ({@code SOCKS5} and {@code HTTPS}, {@code ee0} and {@code alt0}). Instances of
     * one name ({@code eth0}, {@code eth1}) mask alike and never get here; anything else with a parameter in it
     * (paths, ids) differs freely, as in Drain, and so do two absolute paths without one ({@code /notes.inc},
     * {@code /docs/old.inc}): a path names a file, a value like any other, whether or not it holds a digit.
     */
    private static boolean differsInText(final String template, final String masked) {
        return !Masker.isVariable(masked) && !Masker.isVariable(template)
                && !(template.startsWith("/") && masked.startsWith("/"))
                || isNamedInstance(template) && isNamedInstance(masked);
    }

    /** @return true for letters alone or letters and one parameter after them: {@code HTTPS}, {@code en<*>} */
    private static boolean isNamedInstance(final String token) {
        final int end = token.endsWith(Masker.WILDCARD) ? token.length() - Masker.WILDCARD.length() : token.length();
        if (end == 0) {
            return false;
        }
        for (int i = 0; i < end; i++) {
            final char c = token.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z')) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether two tokens are fields of different keys ({@code tag=<*>} and {@code oid=}, {@code dn="<*>"} and
     * {@code attr=mail}): a key is the message's own text whatever its value holds, and a message whose field has
     * another key was printed by another line of code, so it never joins (without this, a key with a parameter in its
     * value differed freely, as any token with a parameter does).
     */
    private static boolean isKeyChange(final String template, final String masked) {
        final int a = keyEnd(template);
        final int b = a > 0 ? keyEnd(masked) : -1;
        return b > 0 && (a != b || !template.regionMatches(0, masked, 0, a));
    }

    /** @return the index of the {@code =} that ends a token's key (a letter, then letters, digits, _ or -), or -1 */
    private static int keyEnd(final String token) {
        for (int i = 0; i < token.length(); i++) {
            final char c = token.charAt(i);
            if (c == '=') {
                return i > 0 ? i : -1;
            }
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && (c >= '0' && c <= '9' || c == '_'
                    || c == '-'))) {
                return -1;
            }
        }
        return -1;
    }

    /**
     * Whether two tokens are different values of one field, {@code key=value} with the same key ({@code user=app},
     * {@code user=report}). One field that changes is a word change like any other ({@code user=root} against
     * {@code user=guest} may tell two events apart); several that change at once are a record's fields, parameters
     * ({@code flags=N cmd=get} against {@code flags=S cmd=psync}), as two plain words at once never are.
     */
    private static boolean isFieldChange(final String template, final String masked) {
        final int eq = template.indexOf('=');
        return eq > 0 && !Masker.isVariable(template) && !Masker.isVariable(masked)
                && template.indexOf('=', eq + 1) < 0 && masked.indexOf('=', eq + 1) < 0
                && masked.length() > eq && masked.charAt(eq) == '=' && template.regionMatches(0, masked, 0, eq)
                && isNamedInstance(template.substring(0, eq));
    }

    /**
     * @return the positions where the template and the message hold different words ({@link #differsInText}), and
     *     different values of one field unless several fields differ ({@link #isFieldChange})
     */
    private static int[] wordDiffs(final String[] template, final String[] masked) {
        int n = 0;
        int fields = 0;
        final int[] out = new int[template.length];
        for (int i = 0; i < template.length; i++) {
            if (!covers(template[i], masked[i]) && differsInText(template[i], masked[i])) {
                out[n++] = i;
                if (isFieldChange(template[i], masked[i])) {
                    fields++;
                }
            }
        }
        if (fields < 2) {
            return Arrays.copyOf(out, n);
        }
        int words = 0;
        for (int k = 0; k < n; k++) {
            if (!isFieldChange(template[out[k]], masked[out[k]])) {
                out[words++] = out[k];
            }
        }
        return Arrays.copyOf(out, words);
    }

    /**
     * Records the words a message and its nearest template hold at the positions where they differ, under the
     * template's text with those positions masked, and tells whether that text has now shown
     * {@link MinerOptions#wordValues()} different words there: enough to take them for a parameter (user names,
     * hosts) rather than the words that tell two events apart ({@code opened}/{@code closed}), which come in
     * twos and threes.
     */
    private boolean enoughWordValues(final String[] template, final String[] masked, final int[] positions,
                                     final boolean learn) {
        if (options.wordValues() <= 2) {
            return true;
        }
        final String[] key = template.clone();
        final StringJoiner ours = new StringJoiner(" ");
        final StringJoiner theirs = new StringJoiner(" ");
        for (final int i : positions) {
            key[i] = Masker.WILDCARD;
            ours.add(template[i]);
            theirs.add(masked[i]);
        }
        final String family = String.join(" ", key);
        if (!learn) {
            final Set<String> seen = new HashSet<>(wordValues.getOrDefault(family, Set.of()));
            seen.add(ours.toString());
            seen.add(theirs.toString());
            return seen.size() >= options.wordValues();
        }
        // insertion order, refreshed by taking the record out and putting it back: looking (match) changes nothing
        final Set<String> old = wordValues.remove(family);
        final Set<String> values = old != null ? old : new HashSet<>();
        wordValues.put(family, values);
        final int before = values.size();
        values.add(ours.toString());
        values.add(theirs.toString());
        if (values.size() != before) {
            changes++;
        }
        if (values.size() < options.wordValues()) {
            evictWordValues();
            return false;
        }
        wordValues.remove(family);
        return true;
    }

    /**
     * Merges a template that has just generalized with every other template of its length that it now covers (the
     * ones each earlier word started). Of those in its leaf, the one that has matched most messages keeps its id and
     * takes the general text, so the busiest template's count series goes on; the others are gone. Those of other
     * leaves are there because a value among the first constant tokens routed them ({@code USER ftp: ...}): left
     * there, their messages kept going to them, never to the general template; once they are gone and their empty
     * nodes pruned, lookup skips that token and reaches the general one.
     *
     * @param generalized the template that just generalized
     * @param absorbed    receives the ids merged away
     * @return the template that remains
     */
    private Cluster absorbCovered(final Cluster generalized, final List<String> absorbed) {
        final List<Cluster> merged = new ArrayList<>(List.of(generalized));
        final List<Cluster> elsewhere = new ArrayList<>();
        final List<List<Cluster>> leaves = routesPastAParameter(generalized.tokens())
                ? leavesOfLength(generalized.tokens().length) : List.of(generalized.leaf);
        for (final List<Cluster> leaf : leaves) {
            for (final Cluster c : leaf) {
                if (c != generalized && coversAll(generalized.tokens(), c.tokens())) {
                    (leaf == generalized.leaf ? merged : elsewhere).add(c);
                }
            }
        }
        Cluster survivor = generalized;
        for (final Cluster c : merged) {
            if (c.count > survivor.count) {
                survivor = c;
            }
        }
        for (int i = 0; i < generalized.tokens().length; i++) {
            if (!survivor.tokens()[i].equals(generalized.tokens()[i])) {
                survivor.generalize(i, generalized.tokens()[i]);
            }
        }
        merged.addAll(elsewhere);
        for (final Cluster c : merged) {
            if (c != survivor) {
                survivor.count += c.count;
                clusters.remove(c.id);
                unlink(c);
                absorbed.add(c.id);
            }
        }
        touch(survivor);
        return survivor;
    }

    /**
     * @return true when a parameter comes before the tokens that route the template (or when it has fewer of them than
     *     the tree's levels): only then may a template it covers hold a constant token there and sit in another leaf
     */
    private boolean routesPastAParameter(final String[] tokens) {
        int constants = 0;
        boolean parameter = false;
        for (final String t : tokens) {
            if (Masker.isVariable(t)) {
                parameter = true;
            } else if (++constants == options.depth() - 2) {
                return parameter;
            }
        }
        return parameter;
    }

    /** @return every non-empty leaf of the templates of this token count */
    private List<List<Cluster>> leavesOfLength(final int length) {
        final List<List<Cluster>> out = new ArrayList<>();
        final List<Node> todo = new ArrayList<>(List.of(byLength.get(length)));
        while (!todo.isEmpty()) {
            final Node node = todo.remove(todo.size() - 1);
            todo.addAll(node.children.values());
            if (!node.clusters.isEmpty()) {
                out.add(node.clusters);
            }
        }
        return out;
    }

    private static boolean coversAll(final String[] template, final String[] tokens) {
        if (template.length != tokens.length) {
            return false;
        }
        for (int i = 0; i < tokens.length; i++) {
            if (!covers(template[i], tokens[i])) {
                return false;
            }
        }
        return true;
    }

    private void evictWordValues() {
        final Iterator<String> it = wordValues.keySet().iterator();
        while (wordValues.size() > options.maxTemplates() && it.hasNext()) {
            it.next();
            it.remove();
        }
    }

    private static TemplateMatch matchOf(final Cluster c, final String[] raw, final boolean created,
                                         final boolean changed, final List<String> absorbed) {
        return new TemplateMatch(c.id, c.template(), Tokens.parameters(c.tokens(), raw), created, changed, absorbed);
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
