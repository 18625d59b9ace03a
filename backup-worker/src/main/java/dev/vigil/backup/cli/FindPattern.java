package dev.vigil.backup.cli;

import dev.vigil.backup.snapshot.FileNames;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The patterns of {@code vigil repo find}: globs with the rules of {@code backup --exclude} (gitignore's), so an
 * operator writes one syntax for both. Without '/' a pattern matches an entry's name at any depth ({@code *.conf});
 * with '/' the path from the dataset root ({@code etc/*.conf}, {@code /etc/nginx}; {@code **}{@code /} is any number of
 * directories), a '/' at the end matches directories only. {@code *} and {@code ?} stay within a name, {@code [a-z]},
 * {@code [!a-z]}, {@code {a,b}}, {@code \} quotes. A byte may be written {@code \xNN}, as {@code ls} shows a name
 * that is not UTF-8 or holds a control character: such a pattern matches that shown form, any other the name itself
 * too.
 *
 * <p>Not the JDK's glob {@code PathMatcher}: it matches {@code Path}s, and a name that is not UTF-8, or any non-ASCII
 * name under a C locale, cannot be made into one. Not {@code Excludes}, whose matcher is the archiver's own and refuses
 * patterns that match everything, which a search may well want.
 */
final class FindPattern {
    private final List<Rule> rules;

    /**
     * One compiled pattern.
     *
     * @param regex what it matches
     * @param onPath matched against the path from the root, else against the name
     * @param directoryOnly matches directories only
     */
    private record Rule(Pattern regex, boolean onPath, boolean directoryOnly) {
    }

    private FindPattern(final List<Rule> rules) {
        this.rules = rules;
    }

    /**
     * @param globs the patterns, as given
     * @param ignoreCase whether letters match in either case
     * @return them compiled
     * @throws IllegalArgumentException (bad usage) naming a pattern that is empty or not a valid glob
     */
    static FindPattern of(final List<String> globs, final boolean ignoreCase) {
        final List<Rule> rules = new ArrayList<>();
        for (final String given : globs) {
            String p = given;
            final boolean directoryOnly = p.endsWith("/") && p.length() > 1;
            while (p.length() > 1 && p.endsWith("/")) {
                p = p.substring(0, p.length() - 1);
            }
            final boolean onPath = p.indexOf('/') >= 0;
            while (p.startsWith("/")) {
                p = p.substring(1);
            }
            if (p.isEmpty()) {
                throw new IllegalArgumentException("pattern '" + given + "' names no file: give a name or a path");
            }
            final int flags = ignoreCase ? Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE : 0;
            rules.add(new Rule(Pattern.compile(regex(p, given), flags), onPath, directoryOnly));
        }
        return new FindPattern(List.copyOf(rules));
    }

    /** @return whether some pattern is matched against whole paths: what matches then depends on where a tree is */
    boolean onPaths() {
        return rules.stream().anyMatch(Rule::onPath);
    }

    /**
     * @param path an entry's path from the dataset root, as the tree holds its names ({@link FileNames})
     * @param name its last element
     * @param directory whether it is a directory
     * @return whether a pattern matches it
     */
    boolean matches(final String path, final String name, final boolean directory) {
        for (final Rule r : rules) {
            if (directory || !r.directoryOnly()) {
                final String s = r.onPath() ? path : name;
                final String shown = FileNames.display(s);
                if (r.regex().matcher(s).matches() || shown != s && r.regex().matcher(shown).matches()) {
                    return true;
                }
            }
        }
        return false;
    }

    /** @return the regular expression of a glob without a leading or trailing slash */
    private static String regex(final String glob, final String given) {
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
                case '[' -> i = charClass(glob, i, re, given);
                case '{' -> {
                    if (inGroup) {
                        throw invalid(given, "nested '{'");
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
                    if (i + 3 < glob.length() && glob.charAt(i + 1) == 'x' && hex(glob.charAt(i + 2))
                            && hex(glob.charAt(i + 3))) {
                        // a byte as ls shows it: the four characters of that form, digits as display() writes them
                        re.append(Pattern.quote("\\x" + glob.substring(i + 2, i + 4).toUpperCase()));
                        i += 3;
                    } else if (++i == glob.length()) {
                        throw invalid(given, "'\\' at the end");
                    } else {
                        re.append(Pattern.quote(String.valueOf(glob.charAt(i))));
                    }
                }
                default -> re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        if (inGroup) {
            throw invalid(given, "missing '}'");
        }
        return re.toString();
    }

    private static boolean hex(final char c) {
        return Character.digit(c, 16) >= 0 && c < 0x80;
    }

    /** Appends the class that starts at {@code open}; @return the index of its closing bracket */
    private static int charClass(final String glob, final int open, final StringBuilder re, final String given) {
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
                throw invalid(given, "'/' inside '[...]'");
            }
            if (c == '\\' || c == '[' || c == '&' || c == '^' || (c == ']' && i == first)) {
                cls.append('\\');
            }
            cls.append(c);
        }
        if (i == glob.length()) {
            throw invalid(given, "missing ']'");
        }
        re.append(cls).append(']');
        return i;
    }

    private static IllegalArgumentException invalid(final String given, final String why) {
        return new IllegalArgumentException("pattern '" + given + "' is not a valid glob: " + why);
    }
}
