package dev.vigil.deploy.demo;

import dev.vigil.deploy.local.LocalStack;
import dev.vigil.deploy.local.ServiceSettings;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code vigil demo}: the whole loop, on an embedded broker, in about a minute. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {
            "Show the whole loop in one process. A Kafka broker and the four services",
            "start with their data under a fresh directory; a small dataset is created",
            "and protected; then an incident plays out:",
            "  1. the dataset gets its first FULL backup (it had none);",
            "  2. telemetry flows, then a metric spike and a burst of file rewrites:",
            "     the analyzer opens an anomaly, the decision engine orders a backup,",
            "     the worker takes it;",
            "  3. files are deleted: the decision engine proposes to restore them; the",
            "     demo approves as an operator would ('vigil approve ID'); the worker",
            "     restores them;",
            "  4. every file is checked byte-identical to its state before the loss.",
            "Exits 0 with a summary, or 1 naming the step that did not happen."})
public final class DemoCommand implements Callable<Integer> {
    static final String DATASET = "demo-project";

    @Option(names = "--dir", paramLabel = "DIR", description = "Working directory, new or empty: it is removed when the "
            + "demo succeeds, unless --keep (default: a new directory under the system temp dir).")
    Path dir;

    @Option(names = "--keep", description = "Keep the working directory afterwards (repository, logs, configs).")
    boolean keep;

    @Option(names = "--files", defaultValue = "120", description = "Files in the demo dataset (default: ${DEFAULT-VALUE}).")
    int files;

    @Option(names = "--step-timeout", defaultValue = "60s",
            description = "How long each step may take before the demo gives up (default: ${DEFAULT-VALUE}).")
    Duration stepTimeout;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        // The directory is deleted whole after a successful run: one that holds anything is not the demo's to delete.
        if (dir != null && Files.isDirectory(dir) && !isEmpty(dir)) {
            throw new ParameterException(spec.commandLine(), "--dir " + dir + " is not empty: the demo removes its "
                    + "working directory when it succeeds; give a new or empty one");
        }
        final PrintStream out = System.out;
        final Path root = dir != null ? dir.toAbsolutePath() : Files.createTempDirectory("vigil-demo-");
        Files.createDirectories(root);
        final long started = System.nanoTime();
        final DemoScript script = new DemoScript(root, out, stepTimeout, files);
        boolean ok = false;
        try {
            out.println("Vigil demo - working directory " + root + " (service logs in vigil.log there)");
            LogFile.redirect(root.resolve("vigil.log"));
            final ServiceSettings settings = script.prepare();
            try (LocalStack stack = LocalStack.start(root.resolve("broker"), 0, settings,
                    what -> out.println(DemoScript.stamp("setup    " + what)))) {
                ok = script.play(stack);
            }
        } catch (DemoScript.StepFailed e) {
            out.println();
            out.println("DEMO FAILED at step '" + e.getMessage() + "'");
            out.println("The working directory " + root + " is kept for inspection.");
            return 1;
        }
        out.println(String.format(java.util.Locale.ROOT, "Demo finished in %.0f s.",
                (System.nanoTime() - started) / 1e9));
        if (ok && !keep) {
            deleteTree(root);
        } else {
            out.println("Working directory kept: " + root);
        }
        return ok ? 0 : 1;
    }

    private static boolean isEmpty(final Path directory) throws IOException {
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.findAny().isEmpty();
        }
    }

    static void deleteTree(final Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (final Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
