package dev.vigil.analyzer.logs;

/**
 * Masks the variable parts of one whitespace-delimited token, so that messages of one event compare equal
 * before any learning: the masked form replaces each variable part by {@code <*>}.
 *
 * <p>The rules are general, none is tied to a log source. A token is cut at punctuation that separates
 * fields ({@code / : = , ; ( ) [ ] { } < > " ' | @ #}); each piece that holds a digit is a parameter:
 * <ul>
 *   <li>a number, IP address, date, version or hex id (starts with a digit, a sign or {@code 0x}, or is
 *       six or more hex digits with dashes) becomes {@code <*>}; a number with a short unit keeps the unit
 *       ({@code 3200ms} gives {@code <*>ms});</li>
 *   <li>a word followed by digits keeps the word and its separator ({@code blk_-42} gives {@code blk_<*>},
 *       {@code eth0} gives {@code eth<*>}), since such names are an entity kind plus its instance;</li>
 *   <li>a URL keeps its scheme ({@code hdfs://host:9000/a} gives {@code hdfs://<*>}).</li>
 * </ul>
 * Pieces without digits stay as they are: words that vary are left to the miner's similarity.
 */
final class Masker {
    /** The parameter marker. */
    static final String WILDCARD = "<*>";

    private Masker() {
    }

    /**
     * @param token one token, no whitespace
     * @return the masked token; the same instance when nothing is masked
     */
    static String mask(final String token) {
        final int scheme = token.indexOf("://");
        if (scheme > 0 && isWord(token, 0, scheme)) {
            return maskUrl(token, scheme);
        }
        if (!hasDigit(token, 0, token.length())) {
            return token;
        }
        final StringBuilder out = new StringBuilder(token.length());
        int i = 0;
        final int n = token.length();
        while (i < n) {
            final char c = token.charAt(i);
            if (isDelimiter(c)) {
                out.append(c);
                i++;
                continue;
            }
            int j = i;
            while (j < n && !isDelimiter(token.charAt(j))) {
                j++;
            }
            maskPiece(token, i, j, out);
            i = j;
        }
        return out.toString();
    }

    /** @return true when the masked token holds a parameter */
    static boolean isVariable(final String masked) {
        return masked.contains(WILDCARD);
    }

    private static String maskUrl(final String token, final int scheme) {
        int end = token.length();
        while (end > scheme + 3 && isClosing(token.charAt(end - 1))) {
            end--;
        }
        return token.substring(0, scheme + 3) + WILDCARD + token.substring(end);
    }

    private static void maskPiece(final String s, final int from, final int to, final StringBuilder out) {
        if (!hasDigit(s, from, to)) {
            out.append(s, from, to);
            return;
        }
        final char first = s.charAt(from);
        if (Character.isDigit(first) || first == '-' || first == '+' || first == '.') {
            maskNumber(s, from, to, out);
            return;
        }
        if (isHexId(s, from, to)) {
            out.append(WILDCARD);
            return;
        }
        int word = from;
        while (word < to && (isLetter(s.charAt(word)) || s.charAt(word) == '_')) {
            word++;
        }
        if (word == from) {
            out.append(WILDCARD);
            return;
        }
        if (word < to && (s.charAt(word) == '-' || s.charAt(word) == '.')) {
            word++;
        }
        out.append(s, from, word).append(WILDCARD);
    }

    /** A number keeps a unit of up to three letters or a percent sign after it; anything else is one parameter. */
    private static void maskNumber(final String s, final int from, final int to, final StringBuilder out) {
        int i = from;
        if (s.charAt(i) == '-' || s.charAt(i) == '+') {
            i++;
        }
        boolean digits = false;
        while (i < to && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
            digits |= Character.isDigit(s.charAt(i));
            i++;
        }
        final int unit = i;
        while (i < to && isLetter(s.charAt(i))) {
            i++;
        }
        final int unitLength = i - unit;
        final boolean hex = unit < to && (s.charAt(unit) == 'x' || s.charAt(unit) == 'X');
        if (digits && i == to && !hex && (unitLength <= 3 && unitLength > 0 || unitLength == 0)) {
            out.append(WILDCARD).append(s, unit, to);
        } else if (digits && i == to - 1 && unitLength == 0 && s.charAt(i) == '%') {
            out.append(WILDCARD).append('%');
        } else {
            out.append(WILDCARD);
        }
    }

    private static boolean isHexId(final String s, final int from, final int to) {
        int hexDigits = 0;
        for (int i = from; i < to; i++) {
            final char c = s.charAt(i);
            if (Character.digit(c, 16) >= 0) {
                hexDigits++;
            } else if (c != '-') {
                return false;
            }
        }
        return hexDigits >= 6;
    }

    private static boolean hasDigit(final String s, final int from, final int to) {
        for (int i = from; i < to; i++) {
            final char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                return true;
            }
        }
        return false;
    }

    private static boolean isWord(final String s, final int from, final int to) {
        for (int i = from; i < to; i++) {
            final char c = s.charAt(i);
            if (!(isLetter(c) || c == '.' || c == '+' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    private static boolean isLetter(final char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
    }

    private static boolean isClosing(final char c) {
        return c == ']' || c == ')' || c == '}' || c == '>' || c == ',' || c == ';' || c == '"' || c == '\'';
    }

    private static boolean isDelimiter(final char c) {
        switch (c) {
            case '/': case ':': case '=': case ',': case ';': case '(': case ')': case '[': case ']':
            case '{': case '}': case '<': case '>': case '"': case '\'': case '|': case '@': case '#':
                return true;
            default:
                return false;
        }
    }
}
