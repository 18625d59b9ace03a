package dev.vigil.backup.archiver;

import dev.vigil.schemas.IoErrors;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The paths of a dataset that its backups leave out, as glob patterns with the rules of {@code .gitignore}:
 * {@code *} and {@code ?} within a name, {@code [a-z]} and {@code [!a-z]}, {@code {a,b}}, {@code \} to quote; a
 * pattern without a slash matches a name at any depth ({@code *.tmp}, {@code node_modules}), one with a slash the
 * path from the dataset root ({@code logs/*.gz}, {@code /cache}); {@code **}{@code /} at the start or between
 * slashes is any number of directories, {@code /**} at the end everything inside; a slash at the end matches
 * directories only ({@code build/}). A pattern that starts with the dataset's own absolute path is taken from there,
 * since people write {@code /home/ann/.cache} for the dataset {@code /home/ann}. An excluded directory is not entered.
 * Negation ({@code !pattern}) is refused rather than read as a name. Names are matched as the strings the walk holds,
 * so a name the locale cannot encode, or one that is not UTF-8, is matched like any other.
 *
 * <p>Markers ({@code NAME} or {@code NAME:HEADER}, as restic's {@code --exclude-if-present}) leave out a directory
 * that holds a file of that name, starting with that header when one is given: {@link #CACHES} is the <a
 * href="https://bford.info/cachedir/">Cache Directory Tagging</a> tag that browsers, compilers and package managers
 * put in their caches.
 */
public final class Excludes {
    /** The marker of cache directories: a CACHEDIR.TAG file with the standard's signature. */
    public static final String CACHES = "CACHEDIR.TAG:Signature: 8a477f597d28d172789f06886806bc55";
    /** Nothing excluded. */
    public static final Excludes NONE = new Excludes(List.of(), List.of(), List.of());
    private final List<String> patterns;
    private final List<Rule> rules;
    private final List<String> markers;

    /**
     * One compiled pattern.
     *
     * @param regex what it matches
     * @param anchored matched against the path from the root, else against the name
     * @param directoryOnly matches directories only
     */
    private record Rule(Pattern regex, boolean anchored, boolean directoryOnly) {
    }

    private Excludes(final List<String> patterns, final List<Rule> rules, final List<String> markers) {
        this.patterns = patterns;
        this.rules = rules;
        this.markers = markers;
    }

    /**
     * @param patterns glob patterns, as given
     * @return the compiled patterns
     * @throws IllegalArgumentException naming a pattern that is blank, not a valid glob, a negation, or one that
     *     would leave out the whole dataset
     */
    public static Excludes of(final List<String> patterns) {
        return of(patterns, List.of());
    }

    /**
     * @param patterns glob patterns, as given
     * @param markers {@code NAME} or {@code NAME:HEADER}: a directory holding such a file is left out
     * @return both
     * @throws IllegalArgumentException naming a refused pattern, or a marker without a name or with a '/' in it
     */
    public static Excludes of(final List<String> patterns, final List<String> markers) {
        for (final String m : markers) {
            final String name = m.split(":", 2)[0];
            if (name.isEmpty() || name.contains("/")) {
                throw new IllegalArgumentException("exclude marker '" + m + "': give a file name, optionally followed "
                        + "by ':' and the text the file starts with");
            }
        }
        return compile(patterns, List.of()).withMarkers(List.copyOf(markers));
    }

    private Excludes withMarkers(final List<String> m) {
        return new Excludes(patterns, rules, m);
    }

    /**
     * @param file one pattern per line, UTF-8; blank lines and lines starting with {@code #} are ignored, and spaces
     *     around a pattern are not part of it
     * @return the patterns, in file order
     * @throws IllegalArgumentException naming the file, and the line when a pattern is refused
     */
    public static List<String> read(final Path file) {
        final List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("exclude file " + file + ": not UTF-8 text", e);
        } catch (IOException e) {
            throw new IllegalArgumentException("exclude file " + file + ": cannot read: " + IoErrors.reason(e), e);
        }
        final List<String> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            final String line = i == 0 && lines.get(0).startsWith("\uFEFF") ? lines.get(0).substring(1) : lines.get(i);
            final String p = line.strip();
            if (p.isEmpty() || p.startsWith("#")) {
                continue;
            }
            try {
                compile(List.of(p), List.of());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("exclude file " + file + ":" + (i + 1) + ": " + e.getMessage(), e);
            }
            out.add(p);
        }
        return out;
    }

    /**
     * @param roots the dataset's absolute path, as given and as resolved: patterns that start with one are taken
     *     from there
     * @return these patterns for that dataset
     * @throws IllegalArgumentException when one would then leave out the whole dataset
     */
    public Excludes forRoot(final Path... roots) {
        final List<String> prefixes = new ArrayList<>();
        for (final Path r : roots) {
            if (!r.toString().equals("/")) {
                prefixes.add(r.toString() + "/");
            }
        }
        return patterns.isEmpty() ? this : compile(patterns, prefixes).withMarkers(markers);
    }

    private static Excludes compile(final List<String> patterns, final List<String> rootPrefixes) {
        final List<Rule> rules = new ArrayList<>();
        for (final String given : patterns) {
            if (given == null || given.isBlank()) {
                throw new IllegalArgumentException("empty exclude pattern");
            }
            if (given.startsWith("!")) {
                throw new IllegalArgumentException("exclude pattern '" + given + "': negation ('!') is not supported; "
                        + "write '\\!' for a name that starts with '!'");
            }
            String p = given;
            for (final String prefix : rootPrefixes) {
                if (p.startsWith(prefix) || p.equals(prefix.substring(0, prefix.length() - 1))) {
                    p = p.length() < prefix.length() ? "/" : p.substring(prefix.length() - 1);
                    break;
                }
            }
            final boolean directoryOnly = p.endsWith("/");
            while (p.endsWith("/")) {
                p = p.substring(0, p.length() - 1);
            }
            final boolean anchored = p.indexOf('/') >= 0;
            while (p.startsWith("/")) {
                p = p.substring(1);
            }
            if (p.isEmpty() || p.chars().allMatch(c -> c == '*' || c == '/')) {
                throw new IllegalArgumentException("exclude pattern '" + given + "' would leave out the whole dataset");
            }
            rules.add(new Rule(Pattern.compile(Glob.regex(p, given, "exclude pattern", false)), anchored, directoryOnly));
        }
        return new Excludes(List.copyOf(patterns), List.copyOf(rules), List.of());
    }

    /** @return the patterns as given, recorded in each snapshot */
    public List<String> patterns() {
        return patterns;
    }

    /** @return the markers as given, recorded in each snapshot */
    public List<String> markers() {
        return markers;
    }

    /** @return whether nothing is excluded */
    public boolean isEmpty() {
        return patterns.isEmpty() && markers.isEmpty();
    }

    /**
     * @param dir a directory of the dataset
     * @return whether it holds one of the markers (a regular file, starting with the marker's header if any)
     */
    boolean marked(final Path dir) {
        for (final String m : markers) {
            final int colon = m.indexOf(':');
            final Path f = dir.resolve(colon < 0 ? m : m.substring(0, colon));
            if (!Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            if (colon < 0) {
                return true;
            }
            final byte[] header = m.substring(colon + 1).getBytes(StandardCharsets.UTF_8);
            try (InputStream in = Files.newInputStream(f, LinkOption.NOFOLLOW_LINKS)) {
                if (Arrays.equals(in.readNBytes(header.length), header)) {
                    return true;
                }
            } catch (IOException e) {
                // unreadable: not a marker this backup can confirm; the directory is backed up
            }
        }
        return false;
    }

    /**
     * @param rel a path from the dataset root, "/"-separated
     * @param name its last element
     * @param directory whether it is a directory: patterns that end with '/' match only then
     * @return whether the entry is left out (its ancestors are not looked at: the walk never enters an excluded one)
     */
    boolean excludes(final String rel, final String name, final boolean directory) {
        for (final Rule r : rules) {
            if ((directory || !r.directoryOnly()) && r.regex().matcher(r.anchored() ? rel : name).matches()) {
                return true;
            }
        }
        return false;
    }
}
