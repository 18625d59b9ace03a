package dev.vigil.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.vigil.schemas.topic.Topics;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.junit.jupiter.api.Test;

/**
 * The compatibility gate: every current schema must read every released version of itself and be
 * readable by it, so that producers and consumers can be upgraded in any order.
 */
class SchemaHistoryTest {

    @Test
    void shouldKeepEveryCurrentSchemaCompatibleBothWaysWithEveryReleasedVersion() {
        final java.util.Collection<Schema> released = new SchemaCatalog().addHistory().known();
        assertFalse(released.isEmpty(), "the history index lists no schema");
        final List<String> problems = new ArrayList<>();
        for (final Schema current : Topics.valueSchemas()) {
            for (final Schema old : released) {
                if (!old.getFullName().equals(current.getFullName())) {
                    continue;
                }
                check(current, old, "current reads released", problems);
                check(old, current, "released reads current", problems);
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void shouldListEveryTopicValueSchemaInTheHistory() {
        final List<String> released = new SchemaCatalog().addHistory().known().stream()
                .map(Schema::getFullName).toList();
        for (final Schema current : Topics.valueSchemas()) {
            assertEquals(true, released.contains(current.getFullName()),
                    current.getFullName() + " has no released version in " + SchemaCatalog.HISTORY_INDEX);
        }
    }

    private static void check(final Schema reader, final Schema writer, final String what, final List<String> problems) {
        final var result = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
        if (result.getType() != SchemaCompatibilityType.COMPATIBLE) {
            problems.add(reader.getName() + " (" + what + "): " + result.getDescription());
        }
    }
}
