package dev.vigil.backup.repository;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;

/** This host's and user's names, as recorded in keys, locks and snapshots. */
public final class HostInfo {
    /** What {@link #hostName()} says when no name can be found: shared by every such host, so it proves nothing. */
    public static final String UNKNOWN = "localhost";
    private static final String NAME = lookUp();

    private HostInfo() {
    }

    /** @return the host name: $HOSTNAME, else the kernel's (uname -n), else what the resolver says, else "localhost" */
    public static String hostName() {
        return NAME;
    }

    private static String lookUp() {
        final String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env.strip();
        }
        try {
            // the kernel's name needs no resolver: a host whose name does not resolve still has its own
            final String kernel = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
            if (!kernel.isEmpty()) {
                return kernel;
            }
        } catch (IOException | SecurityException e) {
            // not Linux: ask the resolver
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return UNKNOWN;
        }
    }

    /** @return the user name from the JVM */
    public static String userName() {
        return System.getProperty("user.name", "");
    }
}
