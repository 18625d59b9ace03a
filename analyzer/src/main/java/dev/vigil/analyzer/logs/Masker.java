package dev.vigil.analyzer.logs;

import java.util.Set;

/**
 * Masks the variable parts of one whitespace-delimited token, so that messages of one event compare equal
 * before any learning: the masked form replaces each variable part by {@code <*>}.
 *
 * <p>The rules are general, none is tied to a log source. A token is cut at punctuation that separates
 * fields ({@code / : = , ; ( ) [ ] { } < > " ' | @ #}); each piece that holds a digit is a parameter:
 * <ul>
 *   <li>a number, IP address, date, version or hex id (starts with a digit, a sign or {@code 0x}, or is hex
 *       digits and dashes with six digits, or five and a letter) becomes {@code <*>}; a number with a short
 *       unit keeps the unit ({@code 3200ms} gives {@code <*>ms}), but a size unit scaled to the value is part of it
 *       ({@code 12KB} and {@code 384 B} give {@code <*>}, see {@link Tokens});</li>
 *   <li>a word followed by digits keeps the word and its separator ({@code blk_-42} gives {@code blk_<*>},
 *       {@code eth0} gives {@code eth<*>}), since such names are an entity kind plus its instance;</li>
 *   <li>a URL keeps its scheme ({@code hdfs://host:9000/a} gives {@code hdfs://<*>});</li>
 *   <li>MAC and IPv6 addresses, and month and weekday abbreviations ({@code Thu Aug 04}), are parameters;</li>
 *   <li>so is a quoted name ({@code relation "accounts"} gives {@code relation "<*>"}), also as a field's value
 *       ({@code dn="cn=admin,dc=org"} gives {@code dn="<*>"}).</li>
 * </ul>
 * Pieces without digits stay as they are: words that vary are left to the miner's similarity.
 */
final class Masker {
    /** The parameter marker. */
    static final String WILDCARD = "<*>";

    /** Month and weekday abbreviations: the words of a date written into a message. */
    private static final Set<String> CALENDAR = Set.of("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug",
            "Sep", "Oct", "Nov", "Dec", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun");
    /**
     * Units of sizes, as logs write them; see {@link #isScaledSizeUnit}. Not a lone lower-case {@code b}, which is
     * more often a word or bits.
     */
    private static final Set<String> SCALED_SIZES = Set.of("B", "kB", "KB", "MB", "GB", "TB", "PB", "KiB", "MiB",
            "GiB", "TiB", "PiB", "kb", "mb", "gb", "tb");

    private Masker() {
    }

    /**
     * @param token one token, no whitespace
     * @return the masked token; the same instance when nothing is masked
     */
    static String mask(final String token) {
        // one pass finds what the common case needs: most tokens are words without digits or URLs
        boolean digit = false;
        int scheme = -1;
        for (int i = 0; i < token.length(); i++) {
            final char c = token.charAt(i);
            if (c >= '0' && c <= '9') {
                digit = true;
            } else if (c == ':' && scheme < 0 && token.startsWith("//", i + 1)) {
                scheme = i;
            }
        }
        if (scheme > 0 && isWord(token, 0, scheme)) {
            return maskUrl(token, scheme);
        }
        final String quoted = quoted(token);
        if (quoted != null) {
            return quoted;
        }
        if (!digit) {
            return token.length() == 3 && CALENDAR.contains(token) ? WILDCARD : token;
        }
        if (isColonHex(token)) {
            return WILDCARD;
        }
        final String wrapped = wrappedAddress(token);
        if (wrapped != null) {
            return wrapped;
        }
        return maskPieces(token);
    }

    /**
     * A quoted name ({@code "accounts"}, {@code 'work_mem':}), alone or as a field's value ({@code dn="cn=admin"}):
     * what a message quotes is a value it names (a table, a file, a setting, an entry), never a word of the message's
     * own text.
     *
     * @return the token with the quoted text masked, or null when it is not one quoted string or {@code key=} and one
     */
    private static String quoted(final String token) {
        // every token of every message comes here: most neither start nor end with a quote, and cost two looks
        final char first = token.isEmpty() ? 0 : token.charAt(0);
        final int open = first == '"' || first == '\'' ? 0 : fieldValue(token);
        if (open < 0) {
            return null;
        }
        final char q = token.charAt(open);
        int end = token.length();
        while (end > open && ",.;:)]".indexOf(token.charAt(end - 1)) >= 0) {
            end--;
        }
        // a field's value may be empty (base=""), a name alone may not ("" is no name)
        if (end - open < (open > 0 ? 2 : 3) || token.charAt(end - 1) != q || token.indexOf(q, open + 1) != end - 1) {
            return null;
        }
        return token.substring(0, open + 1) + WILDCARD + q + token.substring(end);
    }

    /**
     * @return where the quoted value of a {@code key="value"} or {@code key='value'} token starts (its quote), the key
     *     a word; -1 for any other token
     */
    private static int fieldValue(final String token) {
        final char last = token.isEmpty() ? 0 : token.charAt(token.length() - 1);
        if (last != '"' && last != '\'' && ",.;:)]".indexOf(last) < 0) {
            return -1;
        }
        final int eq = token.indexOf('=');
        if (eq < 1 || eq + 1 >= token.length() || token.charAt(eq + 1) != '"' && token.charAt(eq + 1) != '\'') {
            return -1;
        }
        for (int i = 0; i < eq; i++) {
            final char c = token.charAt(i);
            if (!(isAlnum(c) || c == '_' || c == '-' || c == '.')) {
                return -1;
            }
        }
        return eq + 1;
    }

    /** Masks each piece between field separators ({@link #isDelimiter}) on its own. */
    private static String maskPieces(final String token) {
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

    /**
     * The most specific token that covers two different tokens: their common punctuation-delimited prefix
     * and suffix around one {@code <*>} ({@code rhost=<*>} and {@code rhost=ec<*>} give {@code rhost=<*>};
     * {@code root} and {@code admin} give {@code <*>}).
     *
     * @param a a template or masked token
     * @param b another
     * @return the generalized token
     */
    static String generalize(final String a, final String b) {
        if (a.equals(WILDCARD) || b.equals(WILDCARD)) {
            return WILDCARD;
        }
        final int max = Math.min(a.length(), b.length());
        int p = 0;
        while (p < max && a.charAt(p) == b.charAt(p)) {
            p++;
        }
        while (p > 0 && (isAlnum(a.charAt(p - 1)) || insideWildcard(a, p))) {
            p--;
        }
        int q = 0;
        while (q < max - p && a.charAt(a.length() - 1 - q) == b.charAt(b.length() - 1 - q)) {
            q++;
        }
        while (q > 0 && (isAlnum(a.charAt(a.length() - q)) || insideWildcard(a, a.length() - q))) {
            q--;
        }
        final String out = a.substring(0, p) + WILDCARD + a.substring(a.length() - q);
        return out.replace("<*><*>", WILDCARD);
    }

    /**
     * @param pattern a token holding {@code <*>}, each standing for one or more characters
     * @param token   a masked token
     * @return true when the pattern covers the token
     */
    static boolean covers(final String pattern, final String token) {
        // glob matching with one backtrack point (the last <*>): linear for the short tokens of logs
        final int m = pattern.length();
        final int n = token.length();
        int i = 0;
        int j = 0;
        int star = -1;
        int mark = -1;
        while (j < n) {
            if (i < m && pattern.charAt(i) == '<' && pattern.startsWith(WILDCARD, i)) {
                i += WILDCARD.length();
                j++;
                star = i;
                mark = j;
            } else if (i < m && pattern.charAt(i) == token.charAt(j)) {
                i++;
                j++;
            } else if (star >= 0) {
                i = star;
                j = ++mark;
            } else {
                return false;
            }
        }
        return i == m;
    }

    /** @return true when a cut at index i would split a {@code <*>} of s */
    private static boolean insideWildcard(final String s, final int i) {
        return i > 0 && i < s.length() && (s.startsWith("*>", i) || s.startsWith(">", i) && s.charAt(i - 1) == '*');
    }

    /** @return true for {@code <*>} and a word followed by {@code <*>} ({@code an<*>}): a list item's shape */
    static boolean isListItem(final String masked) {
        if (!masked.endsWith(WILDCARD)) {
            return false;
        }
        for (int i = 0; i < masked.length() - WILDCARD.length(); i++) {
            final char c = masked.charAt(i);
            if (!(isAlnum(c) || c == '_' || c == '-')) {
                return false;
            }
        }
        return true;
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
        if (isHexId(s, from, to)) {
            out.append(WILDCARD);
            return;
        }
        if (Character.isDigit(first) || first == '-' || first == '+' || first == '.') {
            maskNumber(s, from, to, out);
            return;
        }
        int digit = from;
        while (!Character.isDigit(s.charAt(digit))) {
            digit++;
        }
        if (!isLetter(first) && first != '_') {
            out.append(WILDCARD);
            return;
        }
        // a minus right after punctuation is the number's sign, not part of the name: blk_-42 gives blk_<*>
        final int prefixEnd = s.charAt(digit - 1) == '-' && digit - 2 >= from && !isAlnum(s.charAt(digit - 2))
                ? digit - 1 : digit;
        out.append(s, from, prefixEnd).append(WILDCARD);
    }

    /**
     * @param token a token, possibly followed by {@code ,} {@code ;} or {@code )}
     * @return true for a unit that a size is printed in scaled to its magnitude ({@code 384 B}, {@code 12.5 KB},
     *     {@code 3 GiB}): it changes with the value, so it belongs to the parameter
     */
    static boolean isScaledSizeUnit(final String token) {
        final int end = unitEnd(token);
        return end > 0 && end <= 3 && SCALED_SIZES.contains(token.substring(0, end));
    }

    /** @return where a unit token ends: before one trailing {@code ,} {@code ;} or {@code )} */
    static int unitEnd(final String token) {
        return token.endsWith(",") || token.endsWith(";") || token.endsWith(")") ? token.length() - 1
                : token.length();
    }

    /**
     * A number keeps a unit of up to three letters or a percent sign after it, except a scaled size unit, which
     * is part of the value; anything else is one parameter.
     */
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
        if (digits && i == to && !hex && unitLength <= 3
                && (unitLength == 0 || !isScaledSizeUnit(s.substring(unit, to)))) {
            out.append(WILDCARD).append(s, unit, to);
        } else if (digits && i == to - 1 && unitLength == 0 && s.charAt(i) == '%') {
            out.append(WILDCARD).append('%');
        } else {
            out.append(WILDCARD);
        }
    }

    private static boolean isHexId(final String s, final int from, final int to) {
        int hexDigits = 0;
        int letters = 0;
        for (int i = from; i < to; i++) {
            final char c = s.charAt(i);
            if (Character.digit(c, 16) >= 0) {
                hexDigits++;
                letters += isLetter(c) ? 1 : 0;
            } else if (c != '-') {
                return false;
            }
        }
        // six hex digits, or five with a letter among them: 0252528c is a value, 3200ms and 64KB are not
        return hexDigits >= 6 || hexDigits == 5 && letters > 0;
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

    private static boolean isAlnum(final char c) {
        return isLetter(c) || c >= '0' && c <= '9';
    }

    /**
     * An address of {@link #isColonHex} with punctuation around it, which the cut at each colon below would split:
     * {@code [::1]:8080} gives {@code [<*>]:<*>}, {@code (fe80::1)} gives {@code (<*>)}, {@code ::1,} gives
     * {@code <*>,}.
     *
     * @return the masked token, or null when no such address starts it
     */
    private static String wrappedAddress(final String token) {
        int from = 0;
        while (from < token.length() && "[(\"'".indexOf(token.charAt(from)) >= 0) {
            from++;
        }
        int to = from;
        while (to < token.length() && (Character.digit(token.charAt(to), 16) >= 0 || token.charAt(to) == ':')) {
            to++;
        }
        if (from == 0 && to == token.length() || token.indexOf(':', from) < 0 || token.indexOf(':', from) >= to
                || !isColonHex(token.substring(from, to))) {
            return null;
        }
        // an IPv4 tail (::ffff:10.0.0.1) or a zone (fe80::1%eth0) is part of the address
        if (to < token.length() && (token.charAt(to) == '.' || token.charAt(to) == '%')) {
            while (to < token.length() && !isClosing(token.charAt(to))) {
                to++;
            }
        }
        // not mask(): a token of many addresses would recurse once for each
        return token.substring(0, from) + WILDCARD + maskPieces(token.substring(to));
    }

    /**
     * Colon-separated groups of one to four hex digits, five or more, or three or more with a {@code ::} (an IPv6
     * address with zeros left out: {@code fe80::1}, {@code ::1}, whose groups alone came out as {@code fe<*>::<*>}):
     * MAC and IPv6 addresses.
     */
    private static boolean isColonHex(final String s) {
        int groups = 1;
        int run = 0;
        boolean digit = false;
        for (int i = 0; i < s.length(); i++) {
            final char c = s.charAt(i);
            if (c == ':') {
                groups++;
                run = 0;
            } else if (Character.digit(c, 16) >= 0 && ++run <= 4) {
                digit |= Character.isDigit(c);
            } else {
                return false;
            }
        }
        return digit && (groups >= 5 || groups >= 3 && s.contains("::"));
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
