package dev.vigil.deploy.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.deploy.Vigil;
import dev.vigil.embedded.junit.KafkaBrokerExtension;
import dev.vigil.embedded.junit.TestKafka;
import dev.vigil.schemas.topic.TopicAdmin;
import dev.vigil.schemas.topic.Topics;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code vigil status} when a topic it reads is not there: deleted, or another topic.prefix. */
@ExtendWith(KafkaBrokerExtension.class)
class StatusMissingTopicIT {

    @Test
    void shouldNameTheMissingTopicInsteadOfCallingTheClusterUnreachable(final TestKafka kafka) throws Exception {
        final String prefix = kafka.prefix();
        final String commands = Topics.COMMANDS.withPrefix(prefix).name();
        try (Admin admin = kafka.admin()) {
            new TopicAdmin(admin).createOrCheck(Topics.all(prefix), 1);
            admin.deleteTopics(List.of(commands)).all().get();
            // a deletion reaches the listing of every broker a moment later
            final long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (admin.listTopics().names().get().contains(commands)) {
                assertTrue(System.nanoTime() < deadline, commands + " still listed 30 s after its deletion");
                Thread.sleep(100);
            }
        }
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final int code = Vigil.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                .execute("status", "--bootstrap-server", kafka.bootstrapServers(), "--topic-prefix", prefix);
        assertEquals(StatusCommand.UNKNOWN, code, out + "" + err);
        assertEquals("vigil status: cannot tell: topic " + commands + " does not exist on the cluster at "
                + kafka.bootstrapServers() + " (topic.prefix '" + prefix + "'): a wrong prefix, or deleted? "
                + "'vigil topics create' makes them\n", err.toString());
    }
}
