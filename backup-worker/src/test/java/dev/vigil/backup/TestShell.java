package dev.vigil.backup;

import java.util.concurrent.TimeUnit;

/** Runs shell commands that set up what Java cannot (bind mounts, read-only remounts), for tests. */
public final class TestShell {
    private TestShell() {
    }

    /**
     * @param command a {@code sh -c} command line
     * @return whether it exited 0 within 30 s (e.g. false for {@code mount} when not root)
     * @throws Exception when it cannot be started
     */
    public static boolean succeeds(final String command) throws Exception {
        final Process p = new ProcessBuilder("sh", "-c", command).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    }
}
