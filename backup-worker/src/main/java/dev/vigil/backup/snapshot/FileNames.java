package dev.vigil.backup.snapshot;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * File names as snapshots hold them: Java strings that keep every byte of a Linux name, including names that
 * are not valid UTF-8 (written by old tools or other locales). A valid UTF-8 name is its text; each byte
 * that is not part of valid UTF-8 is held as the lone surrogate {@code U+DC00 + byte}, as Python's
 * "surrogateescape" does (PEP 383). No valid UTF-8 decodes to a lone surrogate, so the two never collide,
 * and {@link #encode} gives back the exact bytes. Trees store those bytes (FORMAT.md), so every tree written
 * before this class existed reads the same.
 *
 * <p>The JVM itself decodes names lossily (an invalid byte becomes U+FFFD) but keeps the raw bytes inside
 * the paths it lists; reading and building such paths needs {@code --add-opens java.base/sun.nio.fs}, which
 * Vigil's jars declare in their manifests. Without it, {@link #rawAccess()} is false and such names are
 * reported and skipped, as before.
 */
public final class FileNames {
    private static final int ESCAPE = 0xDC00;

    private FileNames() {
    }

    /** @return true when names that are not valid UTF-8 can be read and written exactly */
    public static boolean rawAccess() {
        return Raw.RESOLVE != null;
    }

    /**
     * @param bytes a name or link target as the file system holds it
     * @return its text, invalid bytes as lone surrogates
     */
    public static String decode(final byte[] bytes) {
        final String text = new String(bytes, StandardCharsets.UTF_8);
        if (text.indexOf('\uFFFD') < 0) {
            return text; // valid UTF-8: invalid bytes always decode to U+FFFD
        }
        final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        final ByteBuffer in = ByteBuffer.wrap(bytes);
        final CharBuffer out = CharBuffer.allocate(bytes.length);
        while (true) {
            final CoderResult r = decoder.decode(in, out, true);
            if (r.isUnderflow()) {
                break;
            }
            for (int k = 0; k < r.length(); k++) {
                out.put((char) (ESCAPE | in.get() & 0xff));
            }
        }
        decoder.flush(out);
        return out.flip().toString();
    }

    /**
     * @param name a name from {@link #decode} (or any string)
     * @return the bytes it stands for
     */
    public static byte[] encode(final String name) {
        if (!escaped(name)) {
            return name.getBytes(StandardCharsets.UTF_8);
        }
        final ByteBuffer out = ByteBuffer.allocate(name.length() * 4);
        name.codePoints().forEach(cp -> {
            if (isEscape(cp)) {
                out.put((byte) cp); // lone: a surrogate pair is one code point above U+FFFF
            } else {
                out.put(new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8));
            }
        });
        final byte[] bytes = new byte[out.position()];
        out.flip().get(bytes);
        return bytes;
    }

    /**
     * @param path a path the JVM listed or read (a directory entry's file name, a link target)
     * @return its text, every byte kept when {@link #rawAccess()}
     */
    public static String textOf(final Path path) {
        final String text = path.toString();
        return text.indexOf('\uFFFD') < 0 || !rawAccess() ? text : decode(bytesOf(path));
    }

    /**
     * @param path a path
     * @return its bytes as the file system gets them
     */
    public static byte[] bytesOf(final Path path) {
        if (!rawAccess()) {
            return path.toString().getBytes(StandardCharsets.UTF_8);
        }
        try {
            return (byte[]) Raw.AS_BYTES.invokeExact(path);
        } catch (Throwable e) {
            throw new IllegalStateException("cannot read the bytes of a path", e);
        }
    }

    /**
     * @param dir  a directory
     * @param name a name from {@link #textOf} or a tree, or a relative path of such names
     * @return the path of that name in {@code dir}, with the name's exact bytes
     * @throws IllegalArgumentException when the name holds bytes that are not UTF-8 and {@link #rawAccess()} is false
     */
    public static Path resolve(final Path dir, final String name) {
        if (ascii(name) || !rawAccess() && !escaped(name)) {
            return dir.resolve(name);
        }
        if (!rawAccess()) {
            throw new IllegalArgumentException(display(name) + ": a name that is not UTF-8 needs the JVM option "
                    + "--add-opens java.base/sun.nio.fs=ALL-UNNAMED");
        }
        // Raw bytes for every other name: under a C/POSIX locale the JVM cannot encode even valid UTF-8 names.
        try {
            return (Path) Raw.RESOLVE.invokeExact(dir, encode(name));
        } catch (Throwable e) {
            throw new IllegalStateException("cannot build a path from name bytes", e);
        }
    }

    /**
     * @param path a path of the file system, e.g. in a restore's target
     * @return it as {@link #display} shows a name: the same form {@code vigil repo ls} prints and {@code --include}
     *     takes
     */
    public static String shown(final Path path) {
        return display(textOf(path));
    }

    /**
     * @param name a name or path text
     * @return the text for people: each byte that is not UTF-8 as {@code \xNN}, so is a control character (a newline
     *     in a name would otherwise split a listing's line, an escape sequence drive the terminal), and a backslash as
     *     {@code \x5C} (else a name that holds the four characters {@code \xE9} would read as the byte E9)
     */
    public static String display(final String name) {
        if (!escaped(name) && name.indexOf('\\') < 0 && !hasControl(name)) {
            return name;
        }
        final StringBuilder out = new StringBuilder(name.length() + 8);
        name.codePoints().forEach(cp -> {
            if (isEscape(cp) || isControl(cp)) {
                out.append(String.format("\\x%02X", cp & 0xff));
            } else if (cp == '\\') {
                out.append("\\x5C");
            } else {
                out.appendCodePoint(cp);
            }
        });
        return out.toString();
    }

    private static boolean isControl(final int codePoint) {
        return codePoint < 0x20 || codePoint == 0x7f;
    }

    private static boolean hasControl(final String s) {
        for (int i = 0; i < s.length(); i++) {
            if (isControl(s.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    private static boolean isEscape(final int codePoint) {
        return codePoint >= ESCAPE && codePoint <= ESCAPE + 0xff;
    }

    private static boolean ascii(final String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    /** @return true when the string may hold an escaped byte (any surrogate: pairs are rare in names) */
    private static boolean escaped(final String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isSurrogate(s.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    /** The JDK's raw-bytes path methods, looked up on first need only: almost every name is UTF-8. */
    private static final class Raw {
        static final MethodHandle AS_BYTES;
        static final MethodHandle RESOLVE;

        static {
            MethodHandle bytes = null;
            MethodHandle resolve = null;
            try {
                final Class<?> unixPath = Class.forName("sun.nio.fs.UnixPath");
                final MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(unixPath, MethodHandles.lookup());
                bytes = lookup.findVirtual(unixPath, "asByteArray", MethodType.methodType(byte[].class))
                        .asType(MethodType.methodType(byte[].class, Path.class));
                resolve = lookup.findVirtual(unixPath, "resolve", MethodType.methodType(unixPath, byte[].class))
                        .asType(MethodType.methodType(Path.class, Path.class, byte[].class));
            } catch (ReflectiveOperationException | IllegalAccessError | RuntimeException e) {
                // not Linux's file system, or java.base not opened to us: names stay as the JVM decodes them
                bytes = null;
                resolve = null;
            }
            AS_BYTES = bytes;
            RESOLVE = resolve;
        }
    }
}
