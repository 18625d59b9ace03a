package dev.vigil.deploy;

import picocli.CommandLine;

/** Reports the version from the jar manifest (or "development" when run from classes). */
final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        final String version = Vigil.class.getPackage().getImplementationVersion();
        return new String[] {"vigil " + (version == null ? "development" : version),
            "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"};
    }
}
