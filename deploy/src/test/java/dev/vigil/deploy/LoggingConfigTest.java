package dev.vigil.deploy;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.kafka.clients.producer.internals.Sender;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The logging the {@code vigil} command ships ({@code src/main/resources/logback.xml}: this module has no other). */
class LoggingConfigTest {

    @Test
    void shouldKeepTheProducersRetryWarningsOutOfTheServicesLogs() {
        // every retried batch is a WARN per partition: LeaderStopIT's analyzer on the healthy 3-node cluster logged
        // 128 in 36 s (CONCURRENT_TRANSACTIONS), the one whose broker died 235; what is not retried reaches the
        // services' own callbacks, which log it
        final Logger sender = LoggerFactory.getLogger(Sender.class);
        assertFalse(sender.isWarnEnabled());
        assertTrue(sender.isErrorEnabled());
    }
}
