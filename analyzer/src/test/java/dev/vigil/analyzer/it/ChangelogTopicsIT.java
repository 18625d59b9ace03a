package dev.vigil.analyzer.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.vigil.analyzer.app.AnalyzerConfig;
import dev.vigil.analyzer.app.AnalyzerService;
import dev.vigil.embedded.junit.KafkaBrokerExtension;
import dev.vigil.embedded.junit.TestKafka;
import dev.vigil.schemas.topic.TopicAdmin;
import dev.vigil.schemas.topic.Topics;
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
 * The analyzer's changelog topics roll their segments so that the broker compacts them: with Kafka's defaults (1 GiB
 * or 7 days) a changelog kept every update for a week, and a restore read them all.
 */
@ExtendWith(KafkaBrokerExtension.class)
class ChangelogTopicsIT {

    @Test
    void shouldCreateChangelogsWhoseSegmentsRollForCompaction(final TestKafka kafka, @TempDir final Path dir)
            throws Exception {
        try (Admin admin = kafka.admin()) {
            new TopicAdmin(admin).createOrCheck(Topics.all(kafka.prefix()), 1);
            final AnalyzerConfig config = new AnalyzerConfig(Map.of("bootstrap.servers", kafka.bootstrapServers(),
                    "topic.prefix", kafka.prefix(), AnalyzerConfig.QUERY_ENDPOINT_CONFIG, "",
                    AnalyzerConfig.STATE_DIR_CONFIG, dir.toString()));
            try (AnalyzerService analyzer = AnalyzerService.start(config)) {
                // Streams creates its internal topics before it is RUNNING, which start() waits for
                final List<String> changelogs = admin.listTopics().names().get().stream()
                        .filter(name -> name.startsWith(config.applicationId() + "-") && name.endsWith("-changelog"))
                        .sorted().toList();
                assertFalse(changelogs.isEmpty(), "no changelogs of " + config.applicationId());
                final Map<ConfigResource, Config> configs = admin.describeConfigs(changelogs.stream()
                        .map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n)).toList()).all().get();
                configs.forEach((resource, topic) -> {
                    assertEquals("compact", topic.get("cleanup.policy").value(), resource.name());
                    assertEquals("3600000", topic.get("segment.ms").value(), resource.name());
                    assertEquals(String.valueOf(64 << 20), topic.get("segment.bytes").value(), resource.name());
                });
            }
        }
    }
}
