package dev.vigil.analyzer.logs;

import java.util.ArrayList;
import java.util.Arrays;
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
            while (i < n && isSpace(message.charAt(i))) {
                i++;
            }
            int j = i;
            while (j < n && !isSpace(message.charAt(j))) {
                j++;
            }
            if (j > i) {
                out.add(message.substring(i, j));
            }
            i = j;
        }
        return out.isEmpty() ? NONE : out.toArray(NONE);
    }

    private static boolean isSpace(final char c) {
        return c == ' ' || c < ' ' && Character.isWhitespace(c) || c > '~' && Character.isWhitespace(c);
    }

    /**
     * A message as the miner sees it: raw and masked tokens, position by position.
     *
     * @param raw    the text of each token
     * @param masked its masked form
     */
    record Line(String[] raw, String[] masked) {
    }

    /**
     * Splits and masks a message. A number and the scaled size unit after it ({@code 384.0 B}, {@code 12.5 KB})
     * become one token. A run of adjacent tokens with the same masked form that holds a parameter
     * ({@code 3 4 5 7}, {@code an14 an15 an16}) becomes one token: a list of values is one parameter, so
     * lists of different lengths still give messages of one length; so does a reason in parentheses that ends the
     * message ({@link #joinTrailingPhrase}). A label that ends the message is followed by an empty value
     * ({@link #withEmptyValue}).
     *
     * @param message the message
     * @return its tokens
     */
    static Line line(final String message) {
        final String[] raw = split(message);
        final String[] masked = new String[raw.length];
        boolean sizes = false;
        for (int k = 0; k < raw.length; k++) {
            masked[k] = Masker.mask(raw[k]);
            sizes |= k > 0 && Masker.isScaledSizeUnit(raw[k]) && isNumber(raw[k - 1], masked[k - 1]);
        }
        final Line line = sizes ? joinSizes(raw, masked) : new Line(raw, masked);
        final String[] m = line.masked();
        for (int k = 1; k < m.length; k++) {
            if (m[k].equals(m[k - 1]) && Masker.isListItem(m[k])) {
                return withEmptyValue(joinTrailingPhrase(joinRuns(line.raw(), m)));
            }
        }
        return withEmptyValue(joinTrailingPhrase(line));
    }

    /**
     * Gives a message that ends with a label ({@code Query string :}, {@code tokens:}) an empty last token, masked
     * {@code <*>}: {@code label: %s} printed with an empty value prints no token, so the message was one token short
     * of the same event's other messages, and Drain compares only messages of one length. A label that holds a value
     * ({@code to /10.0.0.1:}) is the message's own end.
     */
    private static Line withEmptyValue(final Line line) {
        final String[] masked = line.masked();
        final int last = masked.length - 1;
        if (last < 1 || !masked[last].endsWith(":") || Masker.isVariable(masked[last])) {
            return line;
        }
        final String[] raw = Arrays.copyOf(line.raw(), last + 2);
        final String[] maskedOut = Arrays.copyOf(masked, last + 2);
        raw[last + 1] = "";
        maskedOut[last + 1] = Masker.WILDCARD;
        return new Line(raw, maskedOut);
    }

    /**
     * Joins words in parentheses that end a message ({@code (Connection reset by peer)}) into one parameter,
     * {@code (<*>)}: such text is mostly a reason or an error's text printed by one {@code (%s)}, and as words of
     * the message its token count set the message's length, so each reason was an event of its own, never compared
     * with a one-word reason ({@code (KILLED)}), which stays a word. Parentheses that hold anything but words
     * ({@code (estimated size 384.0 B, free 2.1 KB)}, {@code (run-parts /etc/cron.hourly)}) are the message's own
     * text around values, or a value with text of its own, and stay tokens.
     */
    private static Line joinTrailingPhrase(final Line line) {
        final String[] raw = line.raw();
        final String[] masked = line.masked();
        final int last = raw.length - 1;
        if (last < 1 || !raw[last].endsWith(")") || raw[last].indexOf('(') >= 0) {
            return line;
        }
        int open = last - 1;
        while (open >= 0 && !raw[open].startsWith("(")) {
            open--;
        }
        if (open < 0 || !saysSomething(masked, open)) {
            return line;
        }
        for (int k = open; k <= last; k++) {
            final String word = raw[k].substring(k == open ? 1 : 0, raw[k].length() - (k == last ? 1 : 0));
            if (!isPlainWord(word)) {
                return line;
            }
        }
        final String[] rawOut = Arrays.copyOf(raw, open + 1);
        final String[] maskedOut = Arrays.copyOf(masked, open + 1);
        rawOut[open] = String.join(" ", Arrays.asList(raw).subList(open, raw.length));
        maskedOut[open] = "(" + Masker.WILDCARD + ")";
        return new Line(rawOut, maskedOut);
    }

    /**
     * @return true when a token before {@code end} holds no parameter: a reason is given for what the message says,
     *     and words in parentheses after values alone ({@code CentOS-5 (Kernel Module GPG key)}) are the text itself
     */
    private static boolean saysSomething(final String[] masked, final int end) {
        for (int k = 0; k < end; k++) {
            if (!Masker.isVariable(masked[k])) {
                return true;
            }
        }
        return false;
    }

    /** @return true for letters, with hyphens or apostrophes inside and a comma or period after them */
    private static boolean isPlainWord(final String word) {
        final int end = word.endsWith(",") || word.endsWith(".") ? word.length() - 1 : word.length();
        if (end == 0) {
            return false;
        }
        for (int i = 0; i < end; i++) {
            final char c = word.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && (c == '-' || c == '\''))) {
                return false;
            }
        }
        return true;
    }

    /** @return true for a token that ends in a number masked as a parameter ({@code 384.0}, {@code (12}) */
    private static boolean isNumber(final String raw, final String masked) {
        return masked.endsWith(Masker.WILDCARD) && Character.isDigit(raw.charAt(raw.length() - 1));
    }

    /** Joins each number with the scaled size unit after it ({@code 384.0 B}): one value, one parameter. */
    private static Line joinSizes(final String[] raw, final String[] masked) {
        final List<String> rawOut = new ArrayList<>(raw.length);
        final List<String> maskedOut = new ArrayList<>(raw.length);
        for (int i = 0; i < raw.length; i++) {
            if (i + 1 < raw.length && Masker.isScaledSizeUnit(raw[i + 1]) && isNumber(raw[i], masked[i])) {
                final String unit = raw[i + 1];
                rawOut.add(raw[i] + " " + unit);
                maskedOut.add(masked[i] + unit.substring(Masker.unitEnd(unit)));
                i++;
            } else {
                rawOut.add(raw[i]);
                maskedOut.add(masked[i]);
            }
        }
        return new Line(rawOut.toArray(NONE), maskedOut.toArray(NONE));
    }

    private static Line joinRuns(final String[] raw, final String[] masked) {
        final List<String> rawOut = new ArrayList<>(raw.length);
        final List<String> maskedOut = new ArrayList<>(raw.length);
        int i = 0;
        while (i < raw.length) {
            final String m = masked[i];
            int j = i + 1;
            if (Masker.isListItem(m)) {
                while (j < raw.length && masked[j].equals(m)) {
                    j++;
                }
            }
            rawOut.add(j == i + 1 ? raw[i] : String.join(" ", Arrays.asList(raw).subList(i, j)));
            maskedOut.add(m);
            i = j;
        }
        return new Line(rawOut.toArray(NONE), maskedOut.toArray(NONE));
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
        final int before = out.size();
        if (!fits(template, token, out)) {
            // cannot happen while masking rules stay as they were when the template was learned: take it whole
            out.subList(before, out.size()).clear();
            out.add(token);
        }
    }

    private static boolean fits(final String template, final String token, final List<String> out) {
        int t = 0;
        int k = 0;
        while (true) {
            final int star = template.indexOf(Masker.WILDCARD, t);
            final String literal = template.substring(t, star < 0 ? template.length() : star);
            if (!token.startsWith(literal, k)) {
                return false;
            }
            k += literal.length();
            if (star < 0) {
                return k == token.length();
            }
            t = star + Masker.WILDCARD.length();
            final int next = template.indexOf(Masker.WILDCARD, t);
            final String following = template.substring(t, next < 0 ? template.length() : next);
            final int end;
            if (next < 0) {
                end = token.endsWith(following) ? token.length() - following.length() : -1;
            } else {
                end = following.isEmpty() ? -1 : token.indexOf(following, k + 1);
            }
            if (end <= k) {
                return false;
            }
            out.add(token.substring(k, end));
            k = end;
        }
    }
}
