package dev.vigil.backup.cli;

import picocli.CommandLine;

/**
 * {@code --version} of every command, {@code vigil} and {@code vigil-repo} alike: the version in the jar's manifest
 * (every module's jar carries it), or "development" when run from classes.
 */
public final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        final String version = VersionProvider.class.getPackage().getImplementationVersion();
        return new String[] {"vigil " + (version == null ? "development" : version),
            "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"};
    }

    /**
     * Gives every command of the tree this provider: a subcommand's {@code mixinStandardHelpOptions} adds
     * {@code --version}, which without a provider prints nothing.
     *
     * @param commandLine the root of the tree
     * @return the same command line
     */
    public static CommandLine applyTo(final CommandLine commandLine) {
        commandLine.getCommandSpec().versionProvider(new VersionProvider());
        commandLine.getSubcommands().values().forEach(VersionProvider::applyTo);
        return commandLine;
    }
}
