package dev.vigil.schemas.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.utils.Utils;

/**
 * The Kafka client settings of a command-line command ({@code --command-config FILE}, as Kafka's own tools take it):
 * what a cluster with TLS or SASL needs ({@code security.protocol}, {@code ssl.*}, {@code sasl.*}), in the Kafka
 * clients' own properties format, with their own names (no {@code kafka.} prefix: that is the services' files).
 */
public final class CommandConfig {
    /** The option's name, for messages. */
    public static final String OPTION = "--command-config";

    private CommandConfig() {
    }

    /**
     * @param file a properties file, or null for none
     * @param bootstrap {@code bootstrap.servers}, which replaces the file's
     * @return the file's settings plus {@code bootstrap.servers}
     * @throws ConfigException naming the file when it cannot be read (exit code 3)
     */
    public static Map<String, Object> client(final Path file, final String bootstrap) {
        final Map<String, Object> client = new HashMap<>();
        if (file != null) {
            if (!Files.isReadable(file)) {
                throw new ConfigException(file + ": cannot read it (" + OPTION + ")");
            }
            try {
                Utils.loadProps(file.toString()).forEach((key, value) -> client.put(key.toString(), value));
            } catch (IOException e) {
                throw new ConfigException(file + ": " + e.getMessage() + " (" + OPTION + ")");
            }
        }
        client.put("bootstrap.servers", bootstrap);
        return client;
    }
}
