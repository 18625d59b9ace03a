package dev.vigil.backup.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BrokerContactTest {
    private static final long S = 1_000_000_000L;

    @Test
    void shouldReportALostClusterOnceAfterThePatienceAndOnceWhenItIsBack() {
        final BrokerContact contact = new BrokerContact(Duration.ofSeconds(30));
        assertNull(contact.observe(1, 0));
        assertNull(contact.observe(0, 1 * S));
        assertNull(contact.observe(0, 30 * S), "29 s without a connection is within the patience");
        final String lost = contact.observe(0, 31 * S);
        assertTrue(lost != null && lost.startsWith("no connection to any Kafka broker for 30 s"), lost);
        assertNull(contact.observe(0, 60 * S), "said once per outage");
        assertEquals("Kafka reachable again after 89 s; commands are read again", contact.observe(2, 90 * S));
        assertNull(contact.observe(2, 91 * S));
    }

    @Test
    void shouldSayNothingAboutAShortReconnect() {
        final BrokerContact contact = new BrokerContact(Duration.ofSeconds(30));
        assertNull(contact.observe(0, 0));
        assertNull(contact.observe(0, 10 * S));
        assertNull(contact.observe(1, 11 * S), "a blip that was never reported is not 'back' either");
        assertNull(contact.observe(0, 20 * S));
        assertNull(contact.observe(0, 49 * S), "the patience starts again with each outage");
    }
}
