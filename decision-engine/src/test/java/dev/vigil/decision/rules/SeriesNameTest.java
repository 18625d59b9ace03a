package dev.vigil.decision.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SeriesNameTest {
    @Test
    void shouldFindAnAttributeByItsShortAndItsOpenTelemetryName() {
        assertEquals("/data", SeriesName.attribute("system.filesystem.utilization{mountpoint=/data}", "mountpoint"));
        // what the collector publishes: a forecast for /boot must not concern a dataset on /
        assertEquals("/boot", SeriesName.attribute(
                "system.filesystem.utilization{system.filesystem.mountpoint=/boot,system.device=/dev/vda1}",
                "mountpoint"));
        assertEquals("", SeriesName.attribute("system.filesystem.utilization{notmountpoint=/x}", "mountpoint"));
        assertEquals("", SeriesName.attribute("system.cpu.utilization", "mountpoint"));
    }
}
