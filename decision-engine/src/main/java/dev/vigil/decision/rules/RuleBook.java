package dev.vigil.decision.rules;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rules in force, reloaded when their file changes. A file that no longer loads is refused
 * with its problems logged, and the previous rules stay in force. Thread-safe: readers see one
 * complete {@link RuleSet} or the next, never a mix.
 */
public final class RuleBook {
    /** The default rule set shipped with the engine (classpath resource). */
    public static final String DEFAULT_RESOURCE = "/dev/vigil/decision/default-rules.yaml";
    private static final Logger LOG = LoggerFactory.getLogger(RuleBook.class);
    private final Path file;
    private volatile RuleSet current;
    private volatile List<String> lastProblems = List.of();
    private String lastText;

    private RuleBook(final Path file, final RuleSet rules, final String text) {
        this.file = file;
        this.current = rules;
        this.lastText = text;
    }

    /**
     * Loads a rule file; a file that does not load stops the caller (start-up refuses bad rules).
     *
     * @param file the rule file, or null for the shipped default rules
     * @return the book
     * @throws RuleFileException with every problem and its line
     */
    public static RuleBook open(final Path file) {
        if (file == null) {
            final String text = defaultText();
            return new RuleBook(null, RuleLoader.load("default-rules.yaml", text), text);
        }
        final String text = read(file);
        return new RuleBook(file, RuleLoader.load(file.toString(), text), text);
    }

    /** @return the shipped default rule file's text */
    public static String defaultText() {
        try (InputStream in = RuleBook.class.getResourceAsStream(DEFAULT_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("default rules missing from the classpath: " + DEFAULT_RESOURCE);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Why the file could not be read at the last reload, or null. */
    private String unreadable;

    /** @return the rules in force */
    public RuleSet rules() {
        return current;
    }

    /** @return the problems of the last refused reload; empty when the last reload (or load) succeeded */
    public List<String> lastProblems() {
        return lastProblems;
    }

    /**
     * Reloads the file if its content changed. Safe to call often: an unchanged file costs one read.
     *
     * @return true when new rules are now in force
     */
    public synchronized boolean reloadIfChanged() {
        if (file == null) {
            return false;
        }
        final String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            final String reason = dev.vigil.schemas.IoErrors.reason(e);
            if (!reason.equals(unreadable)) {
                // said once per cause, not at every reload interval
                LOG.warn("Cannot read rule file {} ({}); rules {} stay in force", file, reason, current.version());
                unreadable = reason;
            }
            return false;
        }
        if (unreadable != null) {
            LOG.info("Rule file {} readable again", file);
            unreadable = null;
        }
        if (text.equals(lastText)) {
            return false;
        }
        lastText = text;
        try {
            final RuleSet next = RuleLoader.load(file.toString(), text);
            current = next;
            lastProblems = List.of();
            LOG.info("Rules reloaded from {}: {} rules, version {}", file, next.rules().size(), next.version());
            return true;
        } catch (RuleFileException e) {
            lastProblems = e.problems();
            LOG.error("Rule file {} refused; rules {} stay in force:\n{}", file, current.version(), e.getMessage());
            return false;
        }
    }

    private static String read(final Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new RuleFileException(List.of(file + ":1: cannot read: " + dev.vigil.schemas.IoErrors.reason(e)));
        }
    }
}
