package dev.vigil.analyzer.logseries;

/** Names of the series derived from logs; all counts per window, unit {@value #UNIT}. */
public final class LogSeries {
    /** Log lines per window. */
    public static final String LINES = "log.records";
    /** Lines at ERROR or CRITICAL level per window. */
    public static final String ERRORS = "log.errors";
    /** Lines that created a template never seen before, per window. */
    public static final String NEW_TEMPLATES = "log.templates.new";
    /** Lines per template per window, with attribute {@code template}. */
    public static final String PER_TEMPLATE = "log.template.records";
    /** Unit of every log series. */
    public static final String UNIT = "{record}";

    private LogSeries() {
    }
}
