package dev.vigil.collector.metrics;

import dev.vigil.schemas.MetricSample;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Samples host metrics before and after a shell command mounts something; run by {@link HostMetricsTest} in a child
 * JVM in a mount namespace of its own, so that the mounts are seen by nothing else on the machine. Prints the
 * command's first line (it says MOUNTED once done; it may run on, holding what it mounted, until this JVM ends and
 * its stdin closes), and one line per sample: {@code SAMPLE <metric names>|<mount points>}.
 */
public final class MountProbe {
    private MountProbe() {
    }

    /** @param args the shell command */
    public static void main(final String[] args) throws Exception {
        final HostMetrics metrics = new HostMetrics("h", Clock.systemUTC(), Set.of());
        print(metrics.sample());
        final Process command = new ProcessBuilder("sh", "-c", args[0]).redirectErrorStream(true).start();
        final BufferedReader out = new BufferedReader(new InputStreamReader(command.getInputStream(),
                StandardCharsets.UTF_8));
        System.out.println(out.readLine());
        for (int i = 0; i < 2; i++) {
            print(metrics.sample());
        }
        System.out.flush();
        System.exit(0);
    }

    private static void print(final List<MetricSample> samples) {
        final Set<String> names = new TreeSet<>();
        final Set<String> mounts = new TreeSet<>();
        for (final MetricSample s : samples) {
            names.add(s.getName());
            if (s.getAttributes().containsKey("system.filesystem.mountpoint")) {
                mounts.add(s.getAttributes().get("system.filesystem.mountpoint"));
            }
        }
        System.out.println("SAMPLE " + String.join(",", names) + "|" + String.join(",", mounts));
        System.out.flush();
    }
}
