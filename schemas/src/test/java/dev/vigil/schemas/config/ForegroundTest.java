package dev.vigil.schemas.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ForegroundTest {
    @Test
    void shouldExitWithFailureWhenTheServiceStopsWorkingOnItsOwn() throws Exception {
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final AtomicInteger checks = new AtomicInteger();

        final int code = Foreground.run("vigil x", () -> { }, () -> checks.incrementAndGet() < 2, () -> "state ERROR",
                new PrintStream(err, true, StandardCharsets.UTF_8));

        assertEquals(1, code, "a supervisor restarts a service that exits non-zero");
        assertEquals(2, checks.get(), "it kept waiting while the service worked");
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("vigil x: stopped working (state ERROR)"),
                err.toString(StandardCharsets.UTF_8));
    }
}
