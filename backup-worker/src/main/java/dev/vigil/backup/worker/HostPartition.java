package dev.vigil.backup.worker;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Utils;

/** The partition Kafka's default partitioner gives a String key, so a worker reads only its host's. */
public final class HostPartition {
    private HostPartition() {
    }

    /**
     * @param host the record key (UTF-8, as StringSerializer writes it)
     * @param partitions the topic's partition count, &gt; 0
     * @return murmur2 of the key bytes, made positive, modulo the count
     */
    public static int of(final String host, final int partitions) {
        return Utils.toPositive(Utils.murmur2(host.getBytes(StandardCharsets.UTF_8))) % partitions;
    }
}
