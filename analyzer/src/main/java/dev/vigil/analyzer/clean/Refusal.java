package dev.vigil.analyzer.clean;

/**
 * Why a host's records were not used as they came, for the operator: what happened to them, the rule, and what to do
 * (the setting that draws the line, where there is one). One host's records refused for one of these reasons usually
 * share a cause (its clock, its log format), so {@link HostWarnings} reports them per host and reason.
 */
public enum Refusal {
    /** Bytes that do not decode. */
    UNDECODABLE("dead-lettered", "undecodable bytes (not Avro, or a schema no service registered)",
            "check what the host's producer sends"),
    /** Decodes, but a field is missing or impossible. */
    INVALID("dead-lettered", "missing or impossible fields", "the reason of each is in header vigil.dlq.reason "
            + "(vigil watch deadletter)"),
    /** An event time further ahead of the analyzer's clock than {@code clean.max.future.ms}. */
    FUTURE("dead-lettered", "event time more than clean.max.future.ms ahead of this analyzer's clock",
            "is the host's clock ahead? correct it, or raise clean.max.future.ms"),
    /** A point further behind its series' latest point than {@code clean.grace.ms}. */
    LATE("dead-lettered", "event time more than clean.grace.ms behind its series' latest point",
            "data that arrives late, or the host's clock went back: its series take points again once the host's "
                    + "time passes their latest point; clean.grace.ms sets how late a point may be"),
    /** A point for a window of its series that the idle sweep published already. */
    PUBLISHED("dead-lettered", "event time in a window its series published already, when the series was quiet for "
            + "series.idle.ms", "data that comes after a pause longer than series.idle.ms (a collector's spool sent "
            + "after an outage): raise series.idle.ms above such pauses"),
    /** A point that would start a metric series beyond {@code series.max.per.host} of its host. */
    SERIES_CAP("dead-lettered", "a new metric series beyond series.max.per.host of its host",
            "a metric name or attribute that takes a new value per request (an id in it) makes a series each: fix "
                    + "the sender; a host that really has more series needs series.max.per.host raised"),
    /** A point whose canonical unit is not its series' (bytes in a series of seconds). */
    UNIT("dead-lettered", "a unit of another dimension than its series' (converted units of one dimension are "
            + "taken)", "the agent sends another quantity under the series' name: give it a name of its own; the series "
            + "takes another unit only once forgotten, series.expiry.ms after its last point"),
    /** A log message longer than {@code logs.max.message.bytes}. */
    LOG_TOO_LONG("dead-lettered", "log message longer than logs.max.message.bytes",
            "raise logs.max.message.bytes to analyze such lines"),
    /**
     * A log line whose window was published already: counted in the first window not yet published (a count is the
     * signal of a log line, and its window cannot be published twice). Not dead-lettered.
     */
    LOG_LATE("counted in the first open window instead of their own", "log time more than clean.grace.ms behind "
            + "the host's latest log time", "data that arrives late, or the host's clock went back");

    private final String outcome;
    private final String rule;
    private final String hint;

    Refusal(final String outcome, final String rule, final String hint) {
        this.outcome = outcome;
        this.rule = rule;
        this.hint = hint;
    }

    /** @return what happened to the records ("dead-lettered") */
    public String outcome() {
        return outcome;
    }

    /** @return the rule they broke, naming its setting where there is one */
    public String rule() {
        return rule;
    }

    /** @return what the operator can do */
    public String hint() {
        return hint;
    }
}
