package dev.vigil.embedded.junit;

import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * What a test sees of the shared broker: where it is and the topic prefix reserved for this test.
 *
 * @param bootstrapServers {@code host:port} of the broker
 * @param prefix a prefix unique to this test method, ending in a dot; prepend it to topic names,
 *     consumer group ids and application ids
 */
public record TestKafka(String bootstrapServers, String prefix) {

    /** @return a new admin client for the broker; the caller closes it */
    public Admin admin() {
        final Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return Admin.create(props);
    }

    /** @return {@code bootstrap.servers} as a map, to start client configs from */
    public Map<String, Object> clientConfig() {
        return Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    }
}
