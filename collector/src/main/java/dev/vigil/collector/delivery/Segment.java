package dev.vigil.collector.delivery;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/** One spool segment file; only the last of its queue is open for writing. */
final class Segment {
    final long seq;
    final Path path;
    long size;
    FileChannel channel;

    Segment(final long seq, final Path path) {
        this.seq = seq;
        this.path = path;
    }

    void close() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // Nothing was pending on it: writes are positional and complete before this.
            }
            channel = null;
        }
    }
}
