package dev.vigil.analyzer.logs;

import java.util.ArrayList;
import java.util.List;

/** Splitting messages into tokens, masking them, and reading parameters back out of a template. */
final class Tokens {
    private static final String[] NONE = new String[0];

    private Tokens() {
    }

    /** @return the whitespace-separated tokens of the message, none for a blank one */
    static String[] split(final String message) {
        final List<String> out = new ArrayList<>();
        final int n = message.length();
        int i = 0;
        while (i < n) {
            while (i < n && Character.isWhitespace(message.charAt(i))) {
                i++;
            }
            int j = i;
            while (j < n && !Character.isWhitespace(message.charAt(j))) {
                j++;
            }
            if (j > i) {
                out.add(message.substring(i, j));
            }
            i = j;
        }
        return out.isEmpty() ? NONE : out.toArray(NONE);
    }

    /** @return the masked form of each token, see {@link Masker} */
    static String[] mask(final String[] raw) {
        final String[] out = new String[raw.length];
        for (int i = 0; i < raw.length; i++) {
            out[i] = Masker.mask(raw[i]);
        }
        return out;
    }

    /**
     * @param template template tokens, some holding {@code <*>}
     * @param raw      the message's tokens, as many
     * @return the text each {@code <*>} stands for, in order
     */
    static List<String> parameters(final String[] template, final String[] raw) {
        final List<String> out = new ArrayList<>();
        for (int i = 0; i < template.length; i++) {
            final String t = template[i];
            if (t.equals(Masker.WILDCARD)) {
                out.add(raw[i]);
            } else if (t.contains(Masker.WILDCARD)) {
                extract(t, raw[i], out);
            }
        }
        return out;
    }

    /** Matches literal parts of a partly masked token left to right; each {@code <*>} takes the text between. */
    private static void extract(final String template, final String token, final List<String> out) {
        final String[] literals = template.split("<\\*>", -1);
        final List<String> found = new ArrayList<>();
        int pos = 0;
        if (!token.startsWith(literals[0])) {
            out.add(token);
            return;
        }
        pos = literals[0].length();
        for (int k = 1; k < literals.length; k++) {
            final String lit = literals[k];
            final int end = k == literals.length - 1
                    ? (token.endsWith(lit) && token.length() - lit.length() >= pos ? token.length() - lit.length() : -1)
                    : token.indexOf(lit, pos + 1);
            if (end < 0 || lit.isEmpty() && k < literals.length - 1) {
                out.add(token);
                return;
            }
            found.add(token.substring(pos, end));
            pos = end + lit.length();
        }
        out.addAll(found);
    }
}
