package dev.vigil.collector.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.collector.delivery.RecordingOutbox;
import dev.vigil.schemas.HostEvent;
import dev.vigil.schemas.Severity;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A kernel log the agent tails, with the lines a failing disk writes there, as on a real host. */
class DiskErrorsTest {
    @TempDir
    Path dir;

    private List<HostEvent> tail(final RecordingOutbox outbox, final String state) {
        final LineFormat format = new LineFormat(StandardCharsets.UTF_8, null, 500, 1_000_000L, 16_384, 65_536);
        try (LogTailer t = new LogTailer(new LogTailer.Options(List.of(dir.resolve("*.log").toString()), false, 10, 0,
                format), dir.resolve(state), outbox, "web-1", Clock.systemUTC())) {
            t.pollOnce();
        }
        return outbox.events;
    }

    @Test
    void shouldTellADiskErrorOncePerDeviceWithTheMountPointOfAMountedDeviceWhenTheKernelLogsOne() throws Exception {
        // a device this host has mounted, as /proc/self/mounts lists it, and where (the shortest of its mount points)
        final String[] mounted = Files.readAllLines(Path.of("/proc/self/mounts")).stream().map(l -> l.split(" "))
                .filter(f -> f[0].matches("/dev/[a-z][a-z0-9]*")).min(Comparator.comparing(f -> f[1].length()))
                .orElse(null);
        Assumptions.assumeTrue(mounted != null, "no block device mounted here");
        final String dev = mounted[0].substring("/dev/".length());
        final String at = Files.readAllLines(Path.of("/proc/self/mounts")).stream().map(l -> l.split(" "))
                .filter(f -> f[0].equals(mounted[0])).map(f -> f[1]).min(Comparator.comparing(String::length))
                .orElseThrow();
        Files.writeString(dir.resolve("kern.log"), String.join("\n",
                "Nov 28 09:24:46 web-1 kernel: [51234.1] EXT4-fs (" + dev + "): mounted filesystem with ordered data mode",
                "Nov 28 09:24:47 web-1 kernel: [51234.2] blk_update_request: I/O error, dev " + dev + ", sector 20481 op "
                        + "0x0:(READ) flags 0x80700 phys_seg 1 prio class 0",
                "Nov 28 09:24:47 web-1 kernel: [51234.3] Buffer I/O error on dev " + dev + ", logical block 2561, async "
                        + "page read",
                "Nov 28 09:24:47 web-1 kernel: [51234.4] EXT4-fs error (device " + dev + "): ext4_find_entry:1455: inode "
                        + "#2: comm ls: reading directory lblock 0",
                "Nov 28 09:24:48 web-1 kernel: [51234.5] usb 1-1: new high-speed USB device number 2 using xhci_hcd",
                "Nov 28 09:24:49 web-1 kernel: [51234.6] XFS (sdz9): metadata I/O error in \"xfs_imap_to_bp\" at daddr "
                        + "0x12 len 32 error 5", ""));

        final List<HostEvent> events = tail(new RecordingOutbox(), "state");

        assertEquals(2, events.size(), events.toString());
        final HostEvent first = events.get(0);
        assertEquals("disk.error", first.getKind());
        assertEquals(Severity.ERROR, first.getSeverity());
        assertEquals("web-1", first.getHost());
        assertEquals(dev, first.getAttributes().get("device"));
        assertEquals(at, first.getAttributes().get("mountpoint"), "the engine backs up the datasets on it");
        assertTrue(first.getMessage().contains("blk_update_request: I/O error, dev " + dev), first.getMessage());
        assertEquals("sdz9", events.get(1).getAttributes().get("device"));
        assertNull(events.get(1).getAttributes().get("mountpoint"), "not mounted: every dataset of the host");

        // read again from the start (a crash before the checkpoint): the same events, under the same ids
        final List<HostEvent> again = tail(new RecordingOutbox(), "state-lost");
        assertEquals(events.stream().map(HostEvent::getId).toList(), again.stream().map(HostEvent::getId).toList());
    }

    @Test
    void shouldNameTheDeviceOfEachKernelPhrasingAndNoneOfOtherLines() {
        assertEquals("sda", DiskErrors.device("print_req_error: I/O error, dev sda, sector 1234"));
        assertEquals("nvme0n1", DiskErrors.device("blk_update_request: critical medium error, dev nvme0n1, sector 8"));
        assertEquals("sdb1", DiskErrors.device("Buffer I/O error on device sdb1, logical block 0"));
        assertEquals("dm-0", DiskErrors.device("BTRFS error (device dm-0): bdev /dev/dm-0 errs: wr 1, rd 0"));
        assertNull(DiskErrors.device("EXT4-fs (sda1): re-mounted. Opts: errors=remount-ro"));
        assertNull(DiskErrors.device("GET /api/orders 500 error: upstream I/O error"));
    }
}
