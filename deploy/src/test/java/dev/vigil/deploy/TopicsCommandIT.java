package dev.vigil.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.embedded.junit.KafkaBrokerExtension;
import dev.vigil.embedded.junit.TestKafka;
import dev.vigil.schemas.topic.TopicAdmin;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KafkaBrokerExtension.class)
class TopicsCommandIT {

    @Test
    void shouldReportAStoreChangelogStillRollingWeeklyWithTheCommandThatFixesIt(final TestKafka kafka)
            throws Exception {
        final String prefix = kafka.prefix();
        final String old = prefix + "vigil-analyzer-series-store-changelog";
        final String recent = prefix + "vigil-decision-engine-dataset-state-changelog";
        try (Admin admin = kafka.admin()) {
            // as Kafka Streams made them before and after Vigil set their segments
            admin.createTopics(List.of(new NewTopic(old, 1, (short) 1).configs(Map.of("cleanup.policy", "compact")),
                    new NewTopic(recent, 1, (short) 1).configs(TopicAdmin.STORE_CHANGELOG_CONFIGS))).all().get();
        }
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final int code = TopicsCommand.createAll(kafka.clientConfig(), prefix, 1, false,
                new PrintStream(out, true, StandardCharsets.UTF_8));
        final String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(1, code, text);
        // the test broker's segment.bytes is below 64 MiB: segment.ms is the one above
        assertTrue(text.contains("mismatch   " + old + " partitions=1 replication=1  segment.ms 604800000 above "
                + "3600000 (a changelog made before Vigil set them: the broker compacts only rolled segments): "
                + "kafka-configs.sh --bootstrap-server B --alter --entity-type topics --entity-name " + old
                + " --add-config segment.bytes=67108864,segment.ms=3600000\n"), text);
        assertTrue(!text.contains(recent), text);
    }
}
