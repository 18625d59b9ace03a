package dev.vigil.deploy.demo;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * SHA-256 of every regular file of a tree, by relative path: what "byte-identical" is checked
 * against.
 *
 * @param files hex digest by relative path
 */
record Manifest(Map<String, String> files) {

    static Manifest of(final Path root) throws IOException {
        final Map<String, String> files = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(root)) {
            for (final Path path : (Iterable<Path>) paths.filter(Files::isRegularFile)::iterator) {
                files.put(root.relativize(path).toString(), sha256(path));
            }
        }
        return new Manifest(files);
    }

    /**
     * @param other another manifest
     * @return the paths that differ: missing, extra, or with other content
     */
    List<String> differences(final Manifest other) {
        final TreeMap<String, String> all = new TreeMap<>(files);
        all.putAll(other.files);
        return all.keySet().stream().filter(p -> !Objects.equals(files.get(p), other.files.get(p))).toList();
    }

    private static String sha256(final Path path) throws IOException {
        try (InputStream in = new DigestInputStream(Files.newInputStream(path), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
