package dev.vigil.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/** Files only their owner may read (repository passwords): created so, never readable by others for a moment. */
public final class PrivateFiles {
    private PrivateFiles() {
    }

    /**
     * @param file a file that does not exist yet
     * @param text its content
     * @throws IOException when it exists already or cannot be written
     */
    public static void writeNew(final Path file, final String text) throws IOException {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.TRUNCATE_EXISTING);
    }
}
