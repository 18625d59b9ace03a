package dev.vigil.analyzer.logs;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A log line header layout such as {@code <Date> <Time> <Level> <Component>: <Content>}, as in the logpai
 * benchmark: each {@code <Field>} is a lazy group, each run of spaces between parts matches any whitespace,
 * the rest is a regular expression ({@code \[} a literal bracket, {@code ( ... )?} optional), and the whole
 * stripped line must match. The field {@code Content} is the message.
 *
 * <p>A line that does not fit makes the lazy fields try every way to split it: with k fields before
 * {@code Content}, work of the order of its tokens to the power k (a line of 2,000 words without the {@code ": "} of
 * {@code <Date> <Time> <Level> <Component>: <Content>} ran for minutes). So matching stops after
 * {@link #STEPS_PER_CHAR} characters read per character of the line (plus {@link #MIN_STEPS}), and the line counts
 * as not fitting; a line that fits reads each character a few times, far below that.
 */
public final class LogFormat {
    private static final Pattern FIELD = Pattern.compile("<([A-Za-z_][A-Za-z0-9_]*)>");
    private static final String CONTENT = "Content";
    /** Characters the matcher may read per character of a line before giving up on it. */
    static final long STEPS_PER_CHAR = 100;
    /** Characters the matcher may read for any line, however short. */
    static final long MIN_STEPS = 100_000;
    private final String layout;
    private final Pattern pattern;
    private final List<String> fields;
    private final int content;

    private LogFormat(final String layout, final Pattern pattern, final List<String> fields) {
        this.layout = layout;
        this.pattern = pattern;
        this.fields = List.copyOf(fields);
        this.content = fields.indexOf(CONTENT);
    }

    /**
     * @param layout the header layout; must name {@code <Content>}
     * @return the compiled format
     * @throws IllegalArgumentException when it has no {@code <Content>}, repeats a field or is not a valid regex
     */
    public static LogFormat compile(final String layout) {
        final List<String> fields = new ArrayList<>();
        final StringBuilder regex = new StringBuilder("^");
        final Matcher m = FIELD.matcher(layout);
        int last = 0;
        while (m.find()) {
            regex.append(literal(layout.substring(last, m.start())));
            if (fields.contains(m.group(1))) {
                throw new IllegalArgumentException("format '" + layout + "': field <" + m.group(1) + "> twice");
            }
            fields.add(m.group(1));
            // named, since the text between fields may hold groups of its own: (\[<PID>\])?
            regex.append("(?<f").append(fields.size() - 1).append(">.*?)");
            last = m.end();
        }
        regex.append(literal(layout.substring(last))).append('$');
        if (!fields.contains(CONTENT)) {
            throw new IllegalArgumentException("format '" + layout + "': no <Content> field");
        }
        try {
            return new LogFormat(layout, Pattern.compile(regex.toString(), Pattern.DOTALL), fields);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("format '" + layout + "': not a valid pattern: "
                    + e.getDescription(), e);
        }
    }

    /**
     * @param line a raw log line
     * @return its message (the {@code Content} field), or null when the line does not fit the format
     */
    public String content(final String line) {
        final String text = line.strip();
        final Matcher m = pattern.matcher(new Budgeted(text, MIN_STEPS + STEPS_PER_CHAR * text.length()));
        try {
            return m.matches() ? m.group("f" + content) : null;
        } catch (OutOfSteps e) {
            return null;
        }
    }

    /** @return the field names in order */
    public List<String> fields() {
        return fields;
    }

    @Override
    public String toString() {
        return layout;
    }

    /** The line as the matcher reads it, counting its reads: the matcher has no time limit of its own. */
    private static final class Budgeted implements CharSequence {
        private final String text;
        private long left;

        Budgeted(final String text, final long steps) {
            this.text = text;
            this.left = steps;
        }

        @Override
        public char charAt(final int index) {
            if (--left < 0) {
                throw new OutOfSteps();
            }
            return text.charAt(index);
        }

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public CharSequence subSequence(final int start, final int end) {
            return text.substring(start, end);
        }

        @Override
        public String toString() {
            return text;
        }
    }

    /** Thrown out of the matcher when a line's budget is spent; no stack trace, it is control flow. */
    private static final class OutOfSteps extends RuntimeException {
        OutOfSteps() {
            super(null, null, false, false);
        }
    }

    /** Text between fields: spaces match any whitespace run, the rest is kept as a regular expression. */
    private static String literal(final String between) {
        return between.replaceAll(" +", "\\\\s+");
    }
}
