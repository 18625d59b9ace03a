package dev.vigil.deploy.status;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** {@code vigil status} groups dead letters by reason, figures made N, but a key id stays whole. */
class ReasonGroupTest {
    @Test
    void shouldKeepTheKeyIdsAWorkersRefusalNamesWhileFiguresBecomeN() {
        // the reason a worker writes for a command of a key removed from its list
        final String refusal = "signed with key id 79a53f305227c6da, which this worker does not trust "
                + "(worker.command.public.key.file holds key ids [2155bbe110a2b693, 0123456789abcdef]): a key removed";

        assertEquals(refusal, Status.reasonGroup(refusal));
        assertEquals("offset N of N bytes, N", Status.reasonGroup("offset 12 of 1234567890123456 bytes, 3"));
        assertEquals("metric web-N/cpu: utilization N.N", Status.reasonGroup("metric web-1/cpu (id 3f2a-77): "
                + "utilization 1.5"));
    }
}
