package dev.vigil.collector.logs;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;

/**
 * Tells a binary file (a database, an executable, random bytes matched by a broad glob) from a text log by its
 * first block, as grep and git do: a text log in any charset {@code logs.charset} accepts (one where a newline is
 * the byte 0x0A: UTF-8, ISO-8859-*, windows-125x, Shift_JIS, GB18030...) holds no NUL byte and decodes with few
 * malformed bytes or control characters; a binary file holds NUL bytes or is mostly undecodable.
 *
 * <p>A run of NUL bytes ({@value #HOLE_BYTES} or more) is not counted: it is a hole, text on both sides of it. A
 * writer without O_APPEND leaves one at the start of a log after logrotate's copytruncate; a writer that crashed
 * leaves one where its data never reached the disk, and appends after it once started again. A NUL byte alone or in a
 * shorter run is binary. A block that is all NUL is taken for text (nothing to tell).
 * A few malformed bytes (a Latin-1 word in a UTF-8 log) do not make a file binary: a quarter of the characters
 * must be malformed or control characters, and at least {@value #MIN_SUSPECT} of them.
 */
final class BinaryContent {
    /** Leading bytes examined. */
    static final int SAMPLE_BYTES = 4096;
    /** Fewest malformed or control characters that make a sample binary (a tiny file is not judged by one byte). */
    static final int MIN_SUSPECT = 8;
    /**
     * Shortest run of NUL bytes taken for a hole in text rather than binary content; one at the start or at the end
     * of the sample may be shorter (it goes on beyond it, or the file starts with it).
     */
    static final int HOLE_BYTES = 8;

    private BinaryContent() {
    }

    /**
     * @param bytes the file's first bytes
     * @param length how many of them there are (at most {@link #SAMPLE_BYTES} are looked at)
     * @param charset the configured charset of the logs
     * @return why the content is binary, in words, or null when it looks like text
     */
    static String reason(final byte[] bytes, final int length, final Charset charset) {
        final int n = Math.min(length, SAMPLE_BYTES);
        // the text between holes: a run of NUL bytes is left out, a NUL byte alone or in a short run is binary
        final byte[] text = new byte[n];
        int kept = 0;
        for (int i = 0; i < n; ) {
            if (bytes[i] != 0) {
                text[kept++] = bytes[i++];
                continue;
            }
            final int run = i;
            while (i < n && bytes[i] == 0) {
                i++;
            }
            if (run > 0 && i < n && i - run < HOLE_BYTES) {
                return "a NUL byte at offset " + run + " of its first " + n + " bytes";
            }
        }
        if (kept == 0) {
            return null;
        }
        final CharsetDecoder decoder = charset.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE).replaceWith("\uFFFD");
        final CharBuffer chars;
        try {
            // the sample's end may cut a character: its bytes count as malformed, at most 3 of them
            chars = decoder.decode(ByteBuffer.wrap(text, 0, kept));
        } catch (CharacterCodingException e) {
            return null; // not with REPLACE
        }
        int suspect = 0;
        for (int i = 0; i < chars.length(); i++) {
            if (suspect(chars.charAt(i))) {
                suspect++;
            }
        }
        if (suspect >= MIN_SUSPECT && suspect * 4L > chars.length()) {
            return suspect * 100 / chars.length() + "% of the characters in its first " + n
                    + " bytes are malformed in " + charset.name() + " or control characters; if it is text in another "
                    + "charset, set logs.charset";
        }
        return null;
    }

    /** @return whether a character is malformed input or a control character that text logs do not hold */
    private static boolean suspect(final char c) {
        if (c == '\uFFFD') {
            return true;
        }
        if (c < 0x20) {
            // tab, newline, vertical tab, form feed, carriage return, backspace, and ESC (ANSI colours) are text
            return c != '\t' && c != '\n' && c != '\u000B' && c != '\f' && c != '\r' && c != '\b' && c != 0x1B;
        }
        return c == 0x7F || c >= 0x80 && c <= 0x9F;
    }
}
