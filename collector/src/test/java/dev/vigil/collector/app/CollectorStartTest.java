package dev.vigil.collector.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CollectorStartTest {
    @Test
    void shouldAnswerEventsWhileTheFirstWalkOfADatasetWaitsOnItsFilesystem(@TempDir final Path dir)
            throws Exception {
        assumeTrue(Files.isWritable(Path.of("/dev/fuse")) && Files.isExecutable(Path.of("/usr/bin/unshare")),
                "needs root, /dev/fuse and unshare");
        final Path mount = Files.createDirectory(dir.resolve("hung"));
        // A FUSE mount whose daemon never reads /dev/fuse: every call on it waits, as on an NFS server that is away
        // (a hard mount). The shell holds the device open until the probe ends, and the namespace with the mount
        // ends with them.
        final List<String> lines = probe(dir.resolve("state"), mount, "exec 3<>/dev/fuse; mount -i -t fuse.s3fs -o "
                + "fd=3,rootmode=40000,user_id=0,group_id=0 hung '" + mount + "' && echo MOUNTED; read x");
        assumeTrue(!lines.isEmpty() && "MOUNTED".equals(lines.get(0)), "could not mount FUSE: " + lines);
        assertEquals(List.of("MOUNTED", "EVENTS 202 while starting"), lines,
                "POST /events waited for the first walk of a dataset");
    }

    /** Runs {@link StartProbe} in a mount namespace of its own, so that nothing else on the machine meets the mount. */
    private static List<String> probe(final Path state, final Path dataset, final String command) throws Exception {
        final String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        final Process child = new ProcessBuilder("unshare", "-m", "--propagation", "private", java, "-Xmx128m",
                "-cp", System.getProperty("java.class.path"), StartProbe.class.getName(), state.toString(),
                dataset.toString(), command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        final List<String> lines = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                lines.add(line);
            }
        } finally {
            if (!child.waitFor(60, TimeUnit.SECONDS)) {
                child.destroyForcibly();
            }
        }
        return lines;
    }
}
