package dev.vigil.collector.delivery;

import dev.vigil.schemas.topic.Topic;
import dev.vigil.schemas.topic.Topics;

/**
 * The three kinds of record the agent publishes, in the order the spool drops them when full:
 * metrics first (the next sample replaces them), then logs, events last.
 */
public enum RecordKind {
    /** Metric samples, topic vigil-metrics. */
    METRIC(Topics.METRICS),
    /** Log records, topic vigil-logs. */
    LOG(Topics.LOGS),
    /** Host events, topic vigil-events. */
    EVENT(Topics.EVENTS);

    private final Topic<String, ?> topic;

    RecordKind(final Topic<String, ?> topic) {
        this.topic = topic;
    }

    /** @return the topic without deployment prefix */
    public Topic<String, ?> topic() {
        return topic;
    }

    /** @return short lower-case name, used in file names and attributes */
    public String label() {
        return name().toLowerCase();
    }
}
