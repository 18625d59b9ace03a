package dev.vigil.collector.files;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What sampling a written file decompressed costs ({@link Decompressed}), per file: run by hand with the agent's JVM
 * flags, {@code java $(cat collector/jvm.options) -cp ... dev.vigil.collector.files.DecompressedProbe FILE...}. Prints
 * for each file the best time of 40 samples, the compressed bytes read, the heap allocated, and the entropy of its raw
 * and of its decompressed head (what the interval's {@code writeEntropy} is made of).
 */
public final class DecompressedProbe {
    private DecompressedProbe() {
    }

    /**
     * @param args files to sample; or {@code --threads N MILLIS FILE}: N threads sampling FILE for that long, as the
     *     datasets whose intervals close together do, then one line {@code samples=S decompressed=D}
     */
    public static void main(final String[] args) throws Exception {
        if (args[0].equals("--threads")) {
            concurrently(Integer.parseInt(args[1]), Long.parseLong(args[2]), Path.of(args[3]));
            return;
        }
        final com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        final long thread = Thread.currentThread().getId();
        final int sample = 8192;
        for (final String name : args) {
            final Path file = Path.of(name);
            final byte[] head = new byte[sample];
            final int h;
            try (var in = Files.newInputStream(file)) {
                h = in.readNBytes(head, 0, sample);
            }
            final byte[] dst = new byte[sample];
            int n = -1;
            long input = 0;
            long best = Long.MAX_VALUE;
            long allocated = 0;
            for (int i = 0; i < 40; i++) {
                final Decompressed d = new Decompressed(Long.MAX_VALUE);
                final long before = threads.getThreadAllocatedBytes(thread);
                final long start = System.nanoTime();
                n = head(d, file, head, h, dst, sample);
                best = Math.min(best, System.nanoTime() - start);
                allocated = threads.getThreadAllocatedBytes(thread) - before;
                input = d.input();
            }
            final Entropy raw = new Entropy();
            raw.add(head, 0, h);
            final Entropy decoded = new Entropy();
            decoded.add(dst, 0, Math.max(n, 0));
            System.out.printf("%-24s %s  read %8d B  best %7.2f ms  heap %9d B  raw %.2f  decompressed %s%n",
                    file.getFileName(), n < 0 ? "raw         " : "decompressed", input, best / 1e6, allocated,
                    raw.bitsPerByte(), n < 0 ? "-" : String.format("%.2f", decoded.bitsPerByte()));
        }
    }

    /** {@link Decompressed#head} on a file opened for it, as the agent's sampling opens it; -1 when it cannot be. */
    static int head(final Decompressed d, final Path file, final byte[] head, final int headLength, final byte[] dst,
                    final int length) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            return d.head(ch, head, headLength, dst, length);
        } catch (IOException e) {
            return -1;
        }
    }

    private static void concurrently(final int threads, final long millis, final Path file) throws Exception {
        final byte[] head = Arrays.copyOf(Files.readAllBytes(file), 8192);
        final AtomicLong samples = new AtomicLong();
        final AtomicLong decompressed = new AtomicLong();
        final long end = System.nanoTime() + millis * 1_000_000;
        final List<Thread> all = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            final Thread thread = new Thread(() -> {
                final byte[] dst = new byte[8192];
                while (System.nanoTime() < end) {
                    samples.incrementAndGet();
                    if (head(new Decompressed(Long.MAX_VALUE), file, head, head.length, dst, dst.length) >= 0) {
                        decompressed.incrementAndGet();
                    }
                }
            });
            thread.start();
            all.add(thread);
        }
        for (final Thread thread : all) {
            thread.join();
        }
        System.out.println("samples=" + samples + " decompressed=" + decompressed);
    }
}
