package dev.vigil.backup.repository;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** This host's and user's names, as recorded in keys, locks and snapshots. */
public final class HostInfo {
    private HostInfo() {
    }

    /** @return the host name: $HOSTNAME, else what the resolver says, else "localhost" */
    public static String hostName() {
        final String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    /** @return the user name from the JVM */
    public static String userName() {
        return System.getProperty("user.name", "");
    }
}
