package dev.vigil.analyzer.logs;

import java.util.List;

/**
 * What the {@link TemplateMiner} made of one message.
 *
 * @param templateId      stable id of the template (16 hex digits), see {@link Template#id()}
 * @param template        the template text: the message's tokens joined by one space, {@code <*>} for parameters
 * @param parameters      the message's text at each {@code <*>} of the template, in order; a list (adjacent
 *                        tokens of one shape, such as {@code 3 4 5}) is one parameter, joined by single spaces
 * @param newTemplate     true when this message created the template
 * @param templateChanged true when this message generalized an existing template (its text changed, its id not)
 * @param absorbed        ids of templates that this message's template took over and that are gone: they differed
 *                        from it only where this message showed a word to be a parameter; usually empty
 */
public record TemplateMatch(String templateId, String template, List<String> parameters,
                            boolean newTemplate, boolean templateChanged, List<String> absorbed) {
    /** Copies the lists, so the record is immutable. */
    public TemplateMatch {
        parameters = List.copyOf(parameters);
        absorbed = List.copyOf(absorbed);
    }
}
