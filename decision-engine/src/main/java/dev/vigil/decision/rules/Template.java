package dev.vigil.decision.rules;

import dev.cel.runtime.CelEvaluationException;
import dev.vigil.schemas.Durations;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A reason text with {@code ${expr}} parts, each a CEL expression evaluated in the rule's context. */
public final class Template {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Template.class);
    /** Expressions whose failure was logged: once each, not at every decision. */
    private static final java.util.Set<String> WARNED = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final List<Object> parts;

    /** A {@code ${expr}} part: its text, for the log, and its program. */
    private record Expression(String text, RuleCel.Program program) {
    }

    private Template(final List<Object> parts) {
        this.parts = parts;
    }

    /**
     * @param text the template
     * @return it compiled
     * @throws RuleCel.Invalid with every error of every {@code ${...}} part, each at its offset in the text
     */
    static Template compile(final String text) throws RuleCel.Invalid {
        final List<Object> parts = new ArrayList<>();
        final List<RuleCel.Issue> issues = new ArrayList<>();
        int at = 0;
        while (at < text.length()) {
            final int open = text.indexOf("${", at);
            if (open < 0) {
                parts.add(text.substring(at));
                break;
            }
            final int close = text.indexOf('}', open);
            if (close < 0) {
                issues.add(new RuleCel.Issue("unclosed ${ in reason", open));
                break;
            }
            parts.add(text.substring(at, open));
            final String expression = text.substring(open + 2, close);
            try {
                parts.add(new Expression(expression, RuleCel.value(expression)));
            } catch (RuleCel.Invalid e) {
                e.issues().forEach(i -> issues.add(new RuleCel.Issue("in ${" + expression + "}: " + i.message(),
                        i.offset() < 0 ? -1 : open + 2 + i.offset())));
            }
            at = close + 1;
        }
        if (!issues.isEmpty()) {
            throw new RuleCel.Invalid(issues);
        }
        return new Template(parts);
    }

    /**
     * @param variables the rule context's variables
     * @return the text; a part that fails to evaluate shows as {@code ?} (logged once per expression)
     */
    public String render(final Map<String, Object> variables) {
        final StringBuilder b = new StringBuilder();
        for (final Object part : parts) {
            if (part instanceof Expression e) {
                try {
                    b.append(show(e.program().eval(variables)));
                } catch (CelEvaluationException failure) {
                    b.append('?');
                    if (WARNED.add(e.text())) {
                        LOG.warn("reason part ${{}} failed and shows as '?' (logged once): {}", e.text(),
                                failure.getMessage());
                    }
                }
            } else {
                b.append(part);
            }
        }
        return b.toString();
    }

    static String show(final Object value) {
        if (value instanceof Double d) {
            return Math.abs(d) >= 100 || d == Math.rint(d) ? String.format(Locale.ROOT, "%.0f", d)
                    : String.format(Locale.ROOT, "%.2f", d);
        }
        if (value instanceof Duration d) {
            // for people: 10s, not 9s998ms (under a second, milliseconds are the precision there is)
            return Durations.format(d.compareTo(Duration.ofSeconds(1)) < 0 ? d
                    : Duration.ofSeconds(d.plusMillis(500).toSeconds()));
        }
        if (value instanceof Instant i) {
            return Instant.EPOCH.equals(i) ? "never" : i.toString();
        }
        return String.valueOf(value);
    }
}
