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
 * Samples host metrics before and after a filesystem that never answers is mounted; run by {@link HostMetricsTest} in
 * a child JVM in a mount namespace of its own, so that the mount is seen by nothing else on the machine. Prints one
 * line per sample: {@code SAMPLE <metric names>|<mount points>}.
 */
public final class HungMountProbe {
    private HungMountProbe() {
    }

    /** @param args the mount point of the hung filesystem */
    public static void main(final String[] args) throws Exception {
        final HostMetrics metrics = new HostMetrics("h", Clock.systemUTC(), Set.of());
        print(metrics.sample());
        // A FUSE mount whose daemon never reads /dev/fuse: every call on it waits. The shell holds the device open
        // until this JVM ends (its stdin closes), and the namespace with the mount ends with them.
        final Process fuse = new ProcessBuilder("sh", "-c", "exec 3<>/dev/fuse; mount -i -t fuse.s3fs "
                + "-o fd=3,rootmode=40000,user_id=0,group_id=0 hung \"$0\" && echo MOUNTED; read x", args[0])
                .redirectErrorStream(true).start();
        final BufferedReader out = new BufferedReader(new InputStreamReader(fuse.getInputStream(),
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
