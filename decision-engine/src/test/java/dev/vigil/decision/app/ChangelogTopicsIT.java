package dev.vigil.decision.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.vigil.embedded.junit.KafkaBrokerExtension;
import dev.vigil.embedded.junit.TestKafka;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine's changelog topics roll their segments so that the broker compacts them (Kafka's defaults: 1 GiB or 7
 * days); its repartition topics keep Kafka Streams' own settings.
 */
@ExtendWith(KafkaBrokerExtension.class)
class ChangelogTopicsIT {

    @Test
    void shouldCreateChangelogsWhoseSegmentsRollForCompaction(final TestKafka kafka, @TempDir final Path dir)
            throws Exception {
        final DecisionConfig config = new DecisionConfig(EngineOnBroker.settings(kafka, dir));
        try (Admin admin = kafka.admin()) {
            try (DecisionService engine = DecisionService.start(config)) {
                // Streams creates its internal topics before it is RUNNING, which start() waits for
                final List<String> internal = admin.listTopics().names().get().stream()
                        .filter(name -> name.startsWith(kafka.prefix() + "vigil-decision-engine-")).sorted().toList();
                assertFalse(internal.stream().noneMatch(n -> n.endsWith("-changelog")), "no changelogs: " + internal);
                final Map<ConfigResource, Config> configs = admin.describeConfigs(internal.stream()
                        .map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n)).toList()).all().get();
                configs.forEach((resource, topic) -> {
                    if (resource.name().endsWith("-changelog")) {
                        assertEquals("compact", topic.get("cleanup.policy").value(), resource.name());
                        assertEquals("3600000", topic.get("segment.ms").value(), resource.name());
                        assertEquals(String.valueOf(64 << 20), topic.get("segment.bytes").value(), resource.name());
                    } else { // a repartition topic: Streams' 50 MiB segments, purged as they are read
                        assertEquals("delete", topic.get("cleanup.policy").value(), resource.name());
                        assertEquals(String.valueOf(50 << 20), topic.get("segment.bytes").value(), resource.name());
                    }
                });
            }
        }
    }
}
