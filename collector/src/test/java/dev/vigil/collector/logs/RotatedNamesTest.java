package dev.vigil.collector.logs;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class RotatedNamesTest {
    private static final Path LOG = Path.of("/var/log/app.log");

    private static RotatedNames.Age age(final String name) {
        return RotatedNames.age(LOG, LOG.resolveSibling(name));
    }

    private static boolean newer(final String a, final String b) {
        assertTrue(age(a).comparable(age(b)), a + " and " + b + " should compare");
        return age(a).newness() > age(b).newness();
    }

    @Test
    void shouldOrderNumberedRotationsTheLowestNumberNewest() {
        assertTrue(newer("app.log.1", "app.log.2"));
        assertTrue(newer("app.log.9", "app.log.10"));
        assertFalse(newer("app.log.3", "app.log.2"));
    }

    @Test
    void shouldOrderDatedRotationsTheLatestDateNewestWithOrWithoutTheExtensionKept() {
        assertTrue(newer("app.log-20261127", "app.log-20261126"));
        assertTrue(newer("app-20270101.log", "app-20261231.log"));
        assertTrue(newer("app.log-2026112713", "app.log-2026112712"));
        assertTrue(newer("app.log-2026-11-27", "app.log-2026-11-26"));
        assertTrue(newer("app.log.20261127", "app.log.20261126"), "dateformat .%Y%m%d: dates, not numbers");
    }

    @Test
    void shouldNotOrderNamesWhoseOrderTheirNamesDoNotTell() {
        assertNull(age("app.log-27112026"), "day first: does not sort");
        assertNull(age("app.log.old"));
        assertFalse(age("app.log.1").comparable(age("app.log-20261127")), "numbered and dated");
        assertFalse(age("app.log-20261127").comparable(age("app.log-2026112712")), "dates of other formats");
    }
}
