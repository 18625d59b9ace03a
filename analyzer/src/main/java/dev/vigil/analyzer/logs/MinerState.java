package dev.vigil.analyzer.logs;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The binary form of a miner's state, for a Kafka Streams state store or a snapshot file.
 *
 * <p>Layout (big-endian): magic {@code VTM}, version byte 2, the cluster count, then per cluster, least
 * recently matched first: id, count (long), path tokens, template tokens; then the count of word-value records,
 * then per record, least recently updated first: its masked template text and its words (tokens); strings are
 * a length (int) and UTF-8 bytes, token arrays a length (int) and strings. Version 1 (before word values) is
 * still read, with none. The options are not stored: they belong to the configuration, not to the learned state.
 */
final class MinerState {
    private static final byte[] MAGIC = {'V', 'T', 'M'};
    private static final byte VERSION = 2;
    /** Refuses lengths no real state has, so corrupt bytes fail fast instead of allocating gigabytes. */
    private static final int MAX_LENGTH = 1 << 24;

    private MinerState() {
    }

    /**
     * A decoded state.
     *
     * @param clusters   the templates, least recently matched first
     * @param wordValues words seen per masked template text, least recently updated first
     */
    record Decoded(List<Cluster> clusters, Map<String, Set<String>> wordValues) {
    }

    static byte[] write(final Collection<Cluster> clusters, final Map<String, Set<String>> wordValues) {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + clusters.size() * 64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.write(MAGIC);
            out.writeByte(VERSION);
            out.writeInt(clusters.size());
            for (final Cluster c : clusters) {
                writeString(out, c.id);
                out.writeLong(c.count);
                writeTokens(out, c.path);
                writeTokens(out, c.tokens());
            }
            out.writeInt(wordValues.size());
            for (final Map.Entry<String, Set<String>> e : wordValues.entrySet()) {
                writeString(out, e.getKey());
                writeTokens(out, e.getValue().toArray(new String[0]));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static Decoded read(final byte[] state) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(state))) {
            final byte[] magic = in.readNBytes(MAGIC.length);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new IllegalArgumentException("miner state: bad magic, not a template miner state");
            }
            final byte version = in.readByte();
            if (version != 1 && version != VERSION) {
                throw new IllegalArgumentException("miner state: version " + version + ", expected 1 or " + VERSION);
            }
            final int n = length(in.readInt());
            final List<Cluster> out = new ArrayList<>(Math.min(n, 1024));
            for (int i = 0; i < n; i++) {
                final String id = readString(in);
                final long count = in.readLong();
                final String[] path = readTokens(in);
                final String[] tokens = readTokens(in);
                if (path.length > tokens.length) {
                    throw new IllegalArgumentException("miner state: template " + id + ": path longer than template");
                }
                out.add(new Cluster(id, path, tokens, count));
            }
            final Map<String, Set<String>> wordValues = new LinkedHashMap<>();
            final int families = version == 1 ? 0 : length(in.readInt());
            for (int i = 0; i < families; i++) {
                wordValues.put(readString(in), new HashSet<>(Arrays.asList(readTokens(in))));
            }
            if (in.read() != -1) {
                throw new IllegalArgumentException("miner state: trailing bytes after " + n + " templates");
            }
            return new Decoded(out, wordValues);
        } catch (IOException e) {
            throw new IllegalArgumentException("miner state: truncated (" + e + ")", e);
        }
    }

    private static void writeTokens(final DataOutputStream out, final String[] tokens) throws IOException {
        out.writeInt(tokens.length);
        for (final String t : tokens) {
            writeString(out, t);
        }
    }

    private static String[] readTokens(final DataInputStream in) throws IOException {
        final String[] tokens = new String[length(in.readInt())];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = readString(in);
        }
        return tokens;
    }

    private static void writeString(final DataOutputStream out, final String s) throws IOException {
        final byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String readString(final DataInputStream in) throws IOException {
        final int n = length(in.readInt());
        final byte[] b = in.readNBytes(n);
        if (b.length != n) {
            throw new IOException("string of " + n + " bytes cut at " + b.length);
        }
        return new String(b, StandardCharsets.UTF_8);
    }

    private static int length(final int n) {
        if (n < 0 || n > MAX_LENGTH) {
            throw new IllegalArgumentException("miner state: impossible length " + n);
        }
        return n;
    }
}
