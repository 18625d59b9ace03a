package dev.vigil.collector.logs;

import java.nio.charset.Charset;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * How bytes of a log file become records.
 *
 * @param charset charset of the file; a newline must be the byte 0x0A in it
 * @param multilineStart a line matching this starts a record, others are joined to the previous
 *     one; null when every line is a record
 * @param multilineMaxLines most lines joined into one record
 * @param multilineTimeoutNanos a pending record is handed over after this long without a new line
 * @param maxLineBytes longest line kept, in bytes; longer ones are cut and flagged
 * @param maxRecordBytes longest joined record, in UTF-8 bytes (as the analyzer counts them)
 * @param partialLineTimeoutNanos a last line without its newline is handed over once the file has not grown for this
 *     long; until then it may still be completed
 */
public record LineFormat(Charset charset, Pattern multilineStart, int multilineMaxLines, long multilineTimeoutNanos,
                         int maxLineBytes, int maxRecordBytes, long partialLineTimeoutNanos) {
    /** The default partial-line timeout: a minute. */
    public static final long DEFAULT_PARTIAL_LINE_TIMEOUT_NANOS = TimeUnit.MINUTES.toNanos(1);

    /** A format with the default partial-line timeout. */
    public LineFormat(final Charset charset, final Pattern multilineStart, final int multilineMaxLines,
                      final long multilineTimeoutNanos, final int maxLineBytes, final int maxRecordBytes) {
        this(charset, multilineStart, multilineMaxLines, multilineTimeoutNanos, maxLineBytes, maxRecordBytes,
                DEFAULT_PARTIAL_LINE_TIMEOUT_NANOS);
    }
}
