package dev.vigil.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.schemas.topic.Topic;
import dev.vigil.schemas.topic.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TopicsCommandTest {

    @Test
    void shouldListTheTopicsUnderThePrefixOfTheEnvironmentAsEveryOtherCommandTakesIt(@TempDir final Path dir)
            throws Exception {
        // picocli reads $VIGIL_TOPIC_PREFIX from the real environment: only a child JVM can be given one
        final Path out = dir.resolve("out.txt");
        final ProcessBuilder builder = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
                "-cp", System.getProperty("java.class.path"), Vigil.class.getName(), "topics", "list")
                .redirectErrorStream(true).redirectOutput(out.toFile());
        builder.environment().put("VIGIL_TOPIC_PREFIX", "acme.");
        final Process child = builder.start();
        assertTrue(child.waitFor(60, TimeUnit.SECONDS), "vigil topics list did not end within 60 s");
        final String printed = Files.readString(out, StandardCharsets.UTF_8);

        assertEquals(0, child.exitValue(), printed);
        final List<String> names = printed.lines().skip(1).map(line -> line.split(" +")[0]).toList();
        assertEquals(Topics.all("acme.").stream().map(Topic::name).toList(), names, printed);
        // a table: every row's content starts under the header's CONTENT, however long a name or key
        final int content = printed.lines().findFirst().orElseThrow().indexOf("CONTENT");
        final List<String> contents = printed.lines().skip(1).map(line -> line.substring(content)).toList();
        assertEquals(Topics.all("acme.").stream().map(Topic::description).toList(), contents, printed);
    }
}
