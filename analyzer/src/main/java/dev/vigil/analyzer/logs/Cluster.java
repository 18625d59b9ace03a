package dev.vigil.analyzer.logs;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/** One template with its id, its place in the parse tree and its count. Mutable; owned by one miner. */
final class Cluster {
    final String id;
    /** The tree path that leads to this cluster: the keys taken when it was created. */
    final String[] path;
    private String[] tokens;
    private String text;
    long count;
    /** The leaf list that holds this cluster, so eviction can unlink it. */
    List<Cluster> leaf;
    /** When it was last matched, on its miner's clock: the least recent of a full leaf is evicted. */
    long touched;

    Cluster(final String id, final String[] path, final String[] tokens, final long count) {
        this.id = id;
        this.path = path;
        this.tokens = tokens;
        this.text = String.join(" ", tokens);
        this.count = count;
    }

    /** @return the template tokens; callers must not change them, see {@link #generalize(int, String)} */
    String[] tokens() {
        return tokens;
    }

    /** Replaces one template token with a more general one. */
    void generalize(final int position, final String token) {
        tokens[position] = token;
        text = String.join(" ", tokens);
    }

    String template() {
        return text;
    }

    Template toTemplate() {
        return new Template(id, template(), count);
    }

    /**
     * @param text    the first template text of a cluster
     * @param attempt 0 for the first id of that text; higher when a live cluster already holds it
     * @return 16 hex digits of SHA-256 over the text (and the attempt, when not 0)
     */
    static String idOf(final String text, final int attempt) {
        try {
            final MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(text.getBytes(StandardCharsets.UTF_8));
            if (attempt > 0) {
                sha.update((byte) 0);
                sha.update(Integer.toString(attempt).getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(sha.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java platform", e);
        }
    }
}
