package dev.vigil.backup.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;

/**
 * Paths given on the command line ({@code --repo}, {@code --target}, a backup's source...). The JVM decodes its
 * arguments through the locale and puts U+FFFD where bytes are not valid UTF-8, so such a path names another file
 * than the one typed: a restore wrote, and said it wrote, into a directory no one named. Such a path is refused (exit
 * 2); a U+FFFD typed as such (valid UTF-8 in {@code /proc/self/cmdline}) is taken.
 */
public final class PathArguments implements CommandLine.ITypeConverter<Path> {
    private PathArguments() {
    }

    /**
     * @param commandLine a command line with its subcommands added
     * @return the same, converting every {@link Path} option and parameter here
     */
    public static CommandLine applyTo(final CommandLine commandLine) {
        return commandLine.registerConverter(Path.class, new PathArguments());
    }

    @Override
    public Path convert(final String value) {
        if (value.indexOf('\uFFFD') >= 0 && !typedAsUtf8(value)) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not valid UTF-8 (each '\uFFFD' stands "
                    + "for bytes the JVM cannot name), so it would name another path than the one given: give the "
                    + "path through a link whose name is UTF-8, or rename it");
        }
        return Path.of(value);
    }

    /** @return whether the process's own command line holds this argument as valid UTF-8 */
    private static boolean typedAsUtf8(final String value) {
        final byte[] all;
        try {
            all = Files.readAllBytes(Path.of("/proc/self/cmdline"));
        } catch (IOException | UnsupportedOperationException e) {
            return false; // no procfs: refused, rather than a path that may be another
        }
        int from = 0;
        for (int i = 0; i <= all.length; i++) {
            if (i == all.length || all[i] == 0) {
                try {
                    if (StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(all, from, i - from)).toString()
                            .equals(value)) {
                        return true;
                    }
                } catch (CharacterCodingException notUtf8) {
                    // another argument, or this one as the bytes that were not UTF-8
                }
                from = i + 1;
            }
        }
        return false;
    }
}
