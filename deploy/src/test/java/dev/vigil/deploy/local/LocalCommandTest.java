package dev.vigil.deploy.local;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LocalCommandTest {
    @Test
    void shouldSetKeysInTheWorkersFileKeepingItsCommentsAndOrder() {
        final Map<String, String> keys = new LinkedHashMap<>();
        keys.put("worker.datasets", "docs");
        keys.put("dataset.docs.path", "/home/me/Documents");
        assertEquals("# yours to edit\nworker.state.dir=/s\nworker.datasets=docs\nworker.threads=2\n"
                        + "dataset.docs.path=/home/me/Documents\n",
                LocalCommand.withKeys("# yours to edit\nworker.state.dir=/s\nworker.datasets=\nworker.threads=2\n",
                        keys));
        assertEquals("a=1\nworker.datasets=docs\ndataset.docs.path=/home/me/Documents\n",
                LocalCommand.withKeys("a=1", keys), "a file without a final newline");
    }
}
