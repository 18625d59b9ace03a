package dev.vigil.schemas.topic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.embedded.junit.KafkaBrokerExtension;
import dev.vigil.embedded.junit.TestKafka;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KafkaBrokerExtension.class)
class TopicAdminIT {

    @Test
    void shouldCreateEveryTopicThenFindThemAllFitting(final TestKafka kafka) {
        try (Admin admin = kafka.admin()) {
            final TopicAdmin topics = new TopicAdmin(admin);
            final List<TopicAdmin.Report> first = topics.createOrCheck(Topics.all(kafka.prefix()), 0);
            assertEquals(Topics.ALL.size(), first.size());
            assertTrue(first.stream().allMatch(r -> r.status() == TopicAdmin.Status.CREATED), first.toString());
            assertEquals(Topics.METRICS.partitions(), first.get(0).partitions());
            assertEquals(1, first.get(0).replicationFactor());

            final List<TopicAdmin.Report> second = topics.createOrCheck(Topics.all(kafka.prefix()), 0);
            assertTrue(second.stream().allMatch(r -> r.status() == TopicAdmin.Status.OK), second.toString());
        }
    }

    @Test
    void shouldReportATopicThatExistsWithTheWrongShapeAndLeaveItAlone(final TestKafka kafka) throws Exception {
        final Topic<?, ?> datasets = Topics.DATASETS.withPrefix(kafka.prefix());
        try (Admin admin = kafka.admin()) {
            admin.createTopics(List.of(new NewTopic(datasets.name(), 2, (short) 1)
                    .configs(Map.of("cleanup.policy", "delete")))).all().get();
            final TopicAdmin.Report report = new TopicAdmin(admin).createOrCheck(List.of(datasets), 1).get(0);
            assertEquals(TopicAdmin.Status.MISMATCH, report.status());
            assertTrue(report.detail().contains("has 2 partitions, fewer than the 6 planned"), report.detail());
            assertTrue(report.detail().contains("cleanup.policy is delete, expected compact"), report.detail());
            assertEquals(2, admin.describeTopics(List.of(datasets.name())).allTopicNames().get()
                    .get(datasets.name()).partitions().size());
        }
    }
}
