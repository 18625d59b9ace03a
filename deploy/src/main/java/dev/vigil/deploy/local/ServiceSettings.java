package dev.vigil.deploy.local;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The settings of the four services of a local stack, one map per service, as their configuration
 * files would hold them. {@code bootstrap.servers} is filled in by the stack.
 *
 * @param collector collector settings
 * @param analyzer analyzer settings
 * @param decision decision engine settings
 * @param worker worker settings
 */
public record ServiceSettings(Map<String, String> collector, Map<String, String> analyzer,
                              Map<String, String> decision, Map<String, String> worker) {

    /** @return empty settings to fill */
    public static ServiceSettings empty() {
        return new ServiceSettings(new LinkedHashMap<>(), new LinkedHashMap<>(), new LinkedHashMap<>(),
                new LinkedHashMap<>());
    }

    /**
     * @param key a key every service has (e.g. host.name, topic.prefix)
     * @param value its value
     * @return this
     */
    public ServiceSettings common(final String key, final String value) {
        collector.put(key, value);
        analyzer.put(key, value);
        decision.put(key, value);
        worker.put(key, value);
        return this;
    }
}
