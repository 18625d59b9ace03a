package dev.vigil.decision.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * Where each character of a YAML scalar's value is in the file, so that a CEL error names the file's line and column.
 * A scalar's value is its source lines with the indentation removed and the line breaks kept ({@code |}) or folded
 * into spaces ({@code >}, plain and quoted scalars over several lines; an empty line stays a line break), so each source
 * line's text appears in the value as it is, in order, with only whitespace between: the lines are found in the value
 * one after the other. A line whose text is not in the value (an escape of a quoted scalar: {@code ''}, {@code \"})
 * ends the map; a place after it is unknown.
 */
final class ScalarPlaces {
    /** A place in the file: line and column, both from 1. */
    record Place(int line, int column) {
    }

    /** A source line's text at {@code [start, start + length)} of the value, from column {@code column} of line {@code line}. */
    private record Segment(int start, int length, int line, int column) {
    }

    private final List<Segment> segments;
    /** Whether every line of the scalar was found in the value. */
    private final boolean complete;

    private ScalarPlaces(final List<Segment> segments, final boolean complete) {
        this.segments = segments;
        this.complete = complete;
    }

    /**
     * @param node the scalar
     * @param lines the file's lines
     * @return where its value's characters are in the file
     */
    static ScalarPlaces of(final ScalarNode node, final String[] lines) {
        final DumperOptions.ScalarStyle style = node.getScalarStyle();
        final boolean block = style == DumperOptions.ScalarStyle.LITERAL || style == DumperOptions.ScalarStyle.FOLDED;
        final boolean quoted = style == DumperOptions.ScalarStyle.SINGLE_QUOTED
                || style == DumperOptions.ScalarStyle.DOUBLE_QUOTED;
        final String value = node.getValue();
        final int first = node.getStartMark().getLine() + (block ? 1 : 0); // a block starts after its indicator's line
        final int last = Math.min(node.getEndMark().getLine(), lines.length - 1);
        final List<Segment> segments = new ArrayList<>();
        int indent = -1;
        int at = 0;
        for (int i = first; i <= last; i++) {
            int from = i == first && !block ? node.getStartMark().getColumn() + (quoted ? 1 : 0) : 0;
            int to = i == node.getEndMark().getLine() && !block ? node.getEndMark().getColumn() - (quoted ? 1 : 0)
                    : lines[i].length();
            while (from < to && Character.isWhitespace(lines[i].charAt(from))) {
                from++;
            }
            while (to > from && Character.isWhitespace(lines[i].charAt(to - 1))) {
                to--;
            }
            if (from == to) {
                continue; // an empty line: a line break of the value, or nothing
            }
            if (block && indent < 0) {
                indent = from;
            } else if (block && from < indent) {
                break; // less indented than the block: the block ended (its end mark may lie on this line)
            }
            final String text = lines[i].substring(from, to);
            final int found = value.indexOf(text, at);
            if (found < 0 || !value.substring(at, found).isBlank()) {
                return new ScalarPlaces(segments, false);
            }
            segments.add(new Segment(found, text.length(), i + 1, from + 1));
            at = found + text.length();
        }
        return new ScalarPlaces(segments, value.substring(at).isBlank());
    }

    /**
     * @param offset a char offset into the value
     * @return where it is in the file; a place between two lines' text (a folded line break) is the end of the first
     *     line's text, and one past the last text (the end of the expression) the end of the last line's; empty when
     *     the offset lies where the map ended or the scalar has no text
     */
    Optional<Place> at(final int offset) {
        if (offset < 0 || segments.isEmpty()) {
            return Optional.empty();
        }
        Segment before = null;
        for (final Segment s : segments) {
            if (offset < s.start()) {
                return Optional.of(before == null ? new Place(s.line(), s.column()) : end(before));
            }
            if (offset < s.start() + s.length()) {
                return Optional.of(new Place(s.line(), s.column() + offset - s.start()));
            }
            before = s;
        }
        return complete ? Optional.of(end(before)) : Optional.empty();
    }

    private static Place end(final Segment s) {
        return new Place(s.line(), s.column() + s.length());
    }
}
