package dev.vigil.decision.app;

import dev.vigil.embedded.junit.TestKafka;
import dev.vigil.schemas.security.CommandSignature;
import dev.vigil.schemas.topic.TopicAdmin;
import dev.vigil.schemas.topic.Topics;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;

/** What a {@link DecisionService} on the test broker needs before it starts, in one place for the service's tests. */
public final class EngineOnBroker {
    private EngineOnBroker() {
    }

    /**
     * Creates Vigil's topics under the broker's prefix and a signing key in {@code dir}.
     *
     * @param kafka the test broker
     * @param dir a temporary directory: the key, and the state under {@code state}
     * @return the engine's settings (bootstrap servers, topic prefix, state directory, signing key), to add to
     */
    public static Map<String, Object> settings(final TestKafka kafka, final Path dir) throws Exception {
        try (Admin admin = kafka.admin()) {
            new TopicAdmin(admin).createOrCheck(Topics.all(kafka.prefix()), 1);
        }
        final Path key = dir.resolve("engine.key");
        CommandSignature.write(CommandSignature.generate(), key);
        final Map<String, Object> config = new HashMap<>();
        config.put(DecisionConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        config.put(DecisionConfig.TOPIC_PREFIX_CONFIG, kafka.prefix());
        config.put(DecisionConfig.STATE_DIR_CONFIG, dir.resolve("state").toString());
        config.put(DecisionConfig.SIGNING_KEY_FILE_CONFIG, key.toString());
        return config;
    }
}
