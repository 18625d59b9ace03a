package dev.vigil.backup.cli;

import dev.vigil.backup.archiver.Glob;
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
 * name under a C locale, cannot be made into one. The syntax is {@link Glob}'s, shared with {@code Excludes}, which
 * refuses patterns that match everything, as a search need not.
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
            rules.add(new Rule(Pattern.compile(Glob.regex(p, given, "pattern", true), flags), onPath, directoryOnly));
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
}
