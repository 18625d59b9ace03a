package dev.vigil.analyzer.nab;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * Finds the shared NAB development subset: system property {@code vigil.nab.dir}, else {@code
 * shared/data/nab} beside the repository or one of its parents (where CI and the work trees have it).
 */
final class NabData {
    private NabData() {
    }

    static Path dir() {
        final String property = System.getProperty("vigil.nab.dir");
        if (property != null) {
            return Path.of(property);
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            final Path candidate = p.resolve("shared/data/nab");
            if (Files.isDirectory(candidate.resolve("data"))) {
                return candidate;
            }
        }
        // NAB's data is not ours to ship (AGPL-3.0); CI has the subset beside the repository, a
        // clone elsewhere may not: then this check is reported as skipped, with the reason.
        return Assumptions.abort("NAB subset not found: set -Dvigil.nab.dir=DIR or put it at ../shared/data/nab");
    }
}
