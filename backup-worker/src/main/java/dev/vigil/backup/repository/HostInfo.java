package dev.vigil.backup.repository;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;

/** This host's and user's names, as recorded in keys, locks and snapshots. */
public final class HostInfo {
    /** What {@link #hostName()} says when no name can be found. */
    private static final String UNKNOWN = "localhost";
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

    private static final String MACHINE = machineOf();

    /**
     * @return this kernel boot and process-id namespace ({@code boot_id:pid-namespace}), or null where unknown: a
     *     process id means the same process only where this matches, whatever host names say (cloned images share
     *     names; containers on one host share a kernel but not their process ids)
     */
    public static String machine() {
        return MACHINE;
    }

    private static String machineOf() {
        try {
            final String boot = Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).strip();
            final String pids = Files.readSymbolicLink(Path.of("/proc/self/ns/pid")).toString();
            return boot.isEmpty() ? null : boot + ":" + pids;
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return null;
        }
    }

    /** @return the user name from the JVM */
    public static String userName() {
        return System.getProperty("user.name", "");
    }
}
