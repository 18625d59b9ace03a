package dev.vigil.collector.logs;

import java.nio.charset.Charset;
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
 */
public record LineFormat(Charset charset, Pattern multilineStart, int multilineMaxLines, long multilineTimeoutNanos,
                         int maxLineBytes, int maxRecordBytes) {
}
