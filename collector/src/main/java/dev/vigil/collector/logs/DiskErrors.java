package dev.vigil.collector.logs;

import dev.vigil.collector.files.MountTable;
import dev.vigil.schemas.HostEvent;
import dev.vigil.schemas.LogRecord;
import dev.vigil.schemas.Severity;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The kernel's words for a failing disk, in a log the agent tails ({@code /var/log/kern.log}, {@code syslog},
 * {@code messages}), become a {@code disk.error} event: the decision engine's rule {@code disk-errors} takes a FULL
 * backup and proposes a MIGRATE on it, and nothing else on a host posts one. The event names the device, and the
 * mount point when the device is mounted (the engine then concerns only the datasets on it; else every dataset of
 * the host). One event per device a minute at most: a dying disk logs thousands of lines. Its id is derived from the
 * log record's, so a line read again after a crash repeats it.
 */
final class DiskErrors {
    static final String KIND = "disk.error";
    private static final long EVERY_NANOS = 60_000_000_000L;
    private static final String DEV = "([A-Za-z0-9_.:-]+)";
    // blk_update_request / print_req_error / end_request (kernels 2.6 to 6.x), the buffer cache, and the file systems
    private static final List<Pattern> LINES = List.of(
            Pattern.compile("(?:I/O error|critical medium error|critical target error), dev " + DEV + ", sector"),
            Pattern.compile("Buffer I/O error on (?:dev|device) " + DEV + ","),
            Pattern.compile("(?:EXT[234]-fs|BTRFS) (?:error|critical) \\(device " + DEV + "\\)"),
            Pattern.compile("XFS \\(" + DEV + "\\): (?:metadata I/O error|Corruption)"));

    private final Map<String, Long> saidAt = new HashMap<>();

    /**
     * @param r a log record
     * @param nanos now, {@link System#nanoTime()}
     * @return the disk.error event it tells, unless its device had one within the minute
     */
    Optional<HostEvent> of(final LogRecord r, final long nanos) {
        final String device = device(r.getMessage());
        if (device == null) {
            return Optional.empty();
        }
        final Long said = saidAt.get(device);
        if (said != null && nanos - said < EVERY_NANOS) {
            return Optional.empty();
        }
        saidAt.put(device, nanos);
        final Map<String, String> attributes = new HashMap<>();
        attributes.put("device", device);
        attributes.put("source", r.getSource());
        MountTable.pointOf("/dev/" + device).ifPresent(m -> attributes.put("mountpoint", m.toString()));
        return Optional.of(HostEvent.newBuilder()
                .setId(UUID.nameUUIDFromBytes((KIND + ":" + r.getId()).getBytes(StandardCharsets.UTF_8)).toString())
                .setHost(r.getHost()).setTime(r.getTime()).setKind(KIND).setSeverity(Severity.ERROR)
                .setMessage(r.getMessage().strip()).setAttributes(attributes).build());
    }

    /** @return the device a kernel disk-error line names, or null */
    static String device(final String line) {
        if (line == null || !line.contains("error") && !line.contains("Corruption")) {
            return null;
        }
        for (final Pattern p : LINES) {
            final Matcher m = p.matcher(line);
            if (m.find()) {
                return m.group(1);
            }
        }
        return null;
    }
}
