package dev.vigil.schemas;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class FileActivitiesTest {
    private static final Instant T = Instant.parse("2026-01-01T00:00:10Z");

    private static FileActivity.Builder interval() {
        return FileActivity.newBuilder().setDataset("d").setIntervalStart(T.minusSeconds(10)).setIntervalEnd(T)
                .setModified(3).setWriteEntropy(7.9).setChangedPaths(List.of("a.txt", "sub/b.txt", "..c"))
                .setDeletedPaths(List.of("x/y"));
    }

    @Test
    void shouldAcceptWhatAWatcherReports() {
        assertNull(FileActivities.problem(interval().build()));
    }

    @Test
    void shouldNameWhatNoWatcherCouldReport() {
        assertTrue(FileActivities.problem(interval().setIntervalStart(T.plusSeconds(1)).build())
                .startsWith("interval ends at"));
        assertTrue(FileActivities.problem(interval().setDeleted(-1).build()).equals("deleted is negative (-1)"));
        assertTrue(FileActivities.problem(interval().setWriteEntropy(8.5).build()).contains("entropy 8.5"));
        for (final String path : List.of("", "/etc/passwd", "../x", "a/../../b", "a/..")) {
            final String problem = FileActivities.problem(interval().setDeletedPaths(List.of(path)).build());
            assertTrue(problem != null && problem.contains("not relative"), path + ": " + problem);
        }
    }
}
