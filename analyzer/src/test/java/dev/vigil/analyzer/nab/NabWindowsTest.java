package dev.vigil.analyzer.nab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NabWindowsTest {
    @TempDir
    Path dir;

    @Test
    void shouldReadWindowsAndRefuseAFileThatListsNothingOrAHalfWindow() throws Exception {
        final Path ok = Files.writeString(dir.resolve("ok.json"), "{\"a/x.csv\": [[\"2014-04-10 07:15:00.000000\", "
                + "\"2014-04-11 16:45:00.000000\"]], \"a/y.csv\": []}");
        assertEquals(1, NabWindows.read(ok).count());
        final Path empty = Files.writeString(dir.resolve("empty.json"), "{}");
        assertTrue(assertThrows(NabException.class, () -> NabWindows.read(empty)).getMessage()
                .contains("nothing to run or score"));
        final Path half = Files.writeString(dir.resolve("half.json"), "{\"a/x.csv\": [[\"2014-04-10 07:15:00\"]]}");
        assertThrows(NabException.class, () -> NabWindows.read(half));
    }
}
