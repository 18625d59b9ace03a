package dev.vigil.backup.archiver;

import java.util.regex.Pattern;

/**
 * The glob syntax of {@code backup --exclude} and {@code vigil repo find} (gitignore's), translated to a regular
 * expression: {@code *} and {@code ?} within a name, {@code **} across directories ({@code **}{@code /} at the start
 * or between slashes is any number of directories), {@code [a-z]} and {@code [!a-z]}, {@code {a,b}}, {@code \} to
 * quote. One place for both, so an operator writes one syntax.
 */
public final class Glob {
    private Glob() {
    }

    /**
     * @param glob a pattern without a leading or trailing slash
     * @param given the pattern as the user wrote it, for messages
     * @param what what the pattern is, for messages ("exclude pattern")
     * @param byteForms whether {@code \xNN} stands for the four characters with which {@code ls} shows a byte of a
     *     name that is not UTF-8 (else it quotes the {@code x})
     * @return the regular expression
     * @throws IllegalArgumentException naming the pattern when it is not a valid glob
     */
    public static String regex(final String glob, final String given, final String what, final boolean byteForms) {
        final StringBuilder re = new StringBuilder();
        boolean inGroup = false;
        for (int i = 0; i < glob.length(); i++) {
            final char c = glob.charAt(i);
            switch (c) {
                case '*' -> {
                    if (i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                        final boolean wholeName = i == 0 || glob.charAt(i - 1) == '/';
                        i++;
                        if (wholeName && i + 1 < glob.length() && glob.charAt(i + 1) == '/') {
                            re.append("(?:.*/)?"); // "**/": any number of directories, none included
                            i++;
                        } else {
                            re.append(".*");
                        }
                    } else {
                        re.append("[^/]*");
                    }
                }
                case '?' -> re.append("[^/]");
                case '[' -> i = charClass(glob, i, re, given, what);
                case '{' -> {
                    if (inGroup) {
                        throw invalid(given, what, "nested '{'");
                    }
                    inGroup = true;
                    re.append("(?:");
                }
                case '}' -> {
                    re.append(inGroup ? ")" : "\\}");
                    inGroup = false;
                }
                case ',' -> re.append(inGroup ? "|" : ",");
                case '\\' -> {
                    if (byteForms && i + 3 < glob.length() && glob.charAt(i + 1) == 'x' && hex(glob.charAt(i + 2))
                            && hex(glob.charAt(i + 3))) {
                        // the four characters of the shown form, digits in upper case as FileNames.display writes them
                        re.append(Pattern.quote("\\x" + glob.substring(i + 2, i + 4).toUpperCase()));
                        i += 3;
                    } else if (++i == glob.length()) {
                        throw invalid(given, what, "'\\' at the end");
                    } else {
                        re.append(Pattern.quote(String.valueOf(glob.charAt(i))));
                    }
                }
                default -> re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        if (inGroup) {
            throw invalid(given, what, "missing '}'");
        }
        return re.toString();
    }

    private static boolean hex(final char c) {
        return Character.digit(c, 16) >= 0 && c < 0x80;
    }

    /** Appends the class that starts at {@code open}; @return the index of its closing bracket */
    private static int charClass(final String glob, final int open, final StringBuilder re, final String given,
                                 final String what) {
        int i = open + 1;
        final boolean negated = i < glob.length() && (glob.charAt(i) == '!' || glob.charAt(i) == '^');
        if (negated) {
            i++;
        }
        final StringBuilder cls = new StringBuilder(negated ? "[^/" : "[");
        final int first = i;
        for (; i < glob.length() && (glob.charAt(i) != ']' || i == first); i++) {
            final char c = glob.charAt(i);
            if (c == '/') {
                throw invalid(given, what, "'/' inside '[...]'");
            }
            if (c == '\\' || c == '[' || c == '&' || c == '^' || (c == ']' && i == first)) {
                cls.append('\\');
            }
            cls.append(c);
        }
        if (i == glob.length()) {
            throw invalid(given, what, "missing ']'");
        }
        re.append(cls).append(']');
        return i;
    }

    private static IllegalArgumentException invalid(final String given, final String what, final String why) {
        return new IllegalArgumentException(what + " '" + given + "' is not a valid glob: " + why);
    }
}
