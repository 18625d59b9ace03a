package dev.vigil.backup.archiver;

import dev.vigil.backup.snapshot.FileNames;
import dev.vigil.schemas.IoErrors;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.PatternSyntaxException;

/**
 * The paths of a dataset that its backups leave out, as glob patterns in the JDK's {@link
 * java.nio.file.FileSystem#getPathMatcher} syntax ({@code *}, {@code **}, {@code ?}, {@code [a-z]}, {@code {a,b}}).
 * A pattern without a slash matches a name at any depth ({@code *.tmp}, {@code node_modules}); one with a slash
 * matches the path from the dataset root ({@code logs/*.gz}, {@code /cache}), as in {@code .gitignore}; a slash at
 * the end changes nothing.
 * A pattern that starts with the dataset's own absolute path is taken from there, since people write
 * {@code /home/ann/.cache} for the dataset {@code /home/ann}. An excluded directory is not entered at all.
 */
public final class Excludes {
    /** Nothing excluded. */
    public static final Excludes NONE = new Excludes(List.of(), List.of(), List.of());
    private final List<String> patterns;
    private final List<PathMatcher> names;
    private final List<PathMatcher> paths;

    private Excludes(final List<String> patterns, final List<PathMatcher> names, final List<PathMatcher> paths) {
        this.patterns = patterns;
        this.names = names;
        this.paths = paths;
    }

    /**
     * @param patterns glob patterns, as given
     * @return the compiled patterns
     * @throws IllegalArgumentException naming a pattern that is blank or not a valid glob
     */
    public static Excludes of(final List<String> patterns) {
        return compile(patterns, null);
    }

    /**
     * @param file one pattern per line; blank lines and lines starting with {@code #} are ignored, and spaces
     *     around a pattern are not part of it
     * @return the patterns, in file order
     * @throws IllegalArgumentException naming the file, and the line when a pattern is not a valid glob
     */
    public static List<String> read(final Path file) {
        final List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("exclude file " + file + ": cannot read: " + IoErrors.reason(e), e);
        }
        final List<String> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            final String p = lines.get(i).strip();
            if (p.isEmpty() || p.startsWith("#")) {
                continue;
            }
            try {
                compile(List.of(p), null);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("exclude file " + file + ":" + (i + 1) + ": " + e.getMessage(), e);
            }
            out.add(p);
        }
        return out;
    }

    /**
     * @param root the dataset's absolute path: patterns that start with it are taken from there
     * @return these patterns for that dataset
     */
    Excludes forRoot(final Path root) {
        return patterns.isEmpty() ? this : compile(patterns, root.toString());
    }

    private static Excludes compile(final List<String> patterns, final String root) {
        final List<PathMatcher> names = new ArrayList<>();
        final List<PathMatcher> paths = new ArrayList<>();
        for (final String given : patterns) {
            if (given == null || given.isBlank()) {
                throw new IllegalArgumentException("empty exclude pattern");
            }
            String p = given;
            if (root != null && !root.equals("/") && p.startsWith(root + "/")) {
                p = p.substring(root.length());
            }
            while (p.endsWith("/") && p.length() > 1) {
                p = p.substring(0, p.length() - 1);
            }
            // A slash anywhere but at the end anchors the pattern at the root, as in .gitignore.
            final boolean anchored = p.indexOf('/') >= 0;
            while (p.startsWith("/")) {
                p = p.substring(1);
            }
            if (p.isEmpty()) {
                throw new IllegalArgumentException("exclude pattern '" + given + "' would exclude the whole dataset");
            }
            final PathMatcher m;
            try {
                m = FileSystems.getDefault().getPathMatcher("glob:" + p);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("exclude pattern '" + given + "' is not a valid glob: "
                        + e.getDescription(), e);
            }
            (anchored ? paths : names).add(m);
        }
        return new Excludes(List.copyOf(patterns), List.copyOf(names), List.copyOf(paths));
    }

    /** @return the patterns as given, recorded in each snapshot */
    public List<String> patterns() {
        return patterns;
    }

    /** @return whether there is none */
    public boolean isEmpty() {
        return patterns.isEmpty();
    }

    /**
     * @param rel a path from the dataset root, "/"-separated
     * @param name its last element
     * @return whether the entry is left out (its ancestors are not looked at: the walk never enters an excluded one)
     */
    boolean excludes(final String rel, final String name) {
        if (patterns.isEmpty()) {
            return false;
        }
        for (final PathMatcher m : names) {
            if (m.matches(path(name))) {
                return true;
            }
        }
        if (!paths.isEmpty()) {
            final Path p = path(rel);
            for (final PathMatcher m : paths) {
                if (m.matches(p)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static Path path(final String text) {
        try {
            return Path.of(text);
        } catch (InvalidPathException e) {
            // a name that is not UTF-8 (FileNames keeps its bytes as lone surrogates) is matched as displayed, \xNN
            return Path.of(FileNames.display(text));
        }
    }
}
