package dev.vigil.analyzer.query;

import dev.vigil.analyzer.normalize.SeriesKey;
import dev.vigil.analyzer.series.SeriesProcessor;
import dev.vigil.schemas.StatsWindow;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Interactive queries of the latest statistics windows, through Kafka Streams' own metadata: the
 * stats store is partitioned like the input, by host, so the instance holding a host's
 * statistics is the one whose task owns the host's partition.
 */
public final class StatsQuery {
    private final KafkaStreams streams;

    /** @param streams a running Kafka Streams instance of the analyzer */
    public StatsQuery(final KafkaStreams streams) {
        this.streams = streams;
    }

    /**
     * @param host a host name
     * @return where its statistics are: active host and partition, or {@link KeyQueryMetadata#NOT_AVAILABLE}
     */
    public KeyQueryMetadata locate(final String host) {
        return streams.queryMetadataForKey(SeriesProcessor.STATS_STORE, host, new StringSerializer());
    }

    /**
     * Reads this instance's store.
     *
     * @param host a host name
     * @param metric a canonical metric name (every series of that name, whatever its attributes)
     * @param partition the partition holding the host, from {@link #locate}
     * @return the latest window of each series and window kind, by series then window
     */
    public List<StatsWindow> local(final String host, final String metric, final int partition) {
        final ReadOnlyKeyValueStore<String, StatsWindow> store = streams.store(StoreQueryParameters
                .fromNameAndType(SeriesProcessor.STATS_STORE, QueryableStoreTypes.<String, StatsWindow>keyValueStore())
                .withPartition(partition));
        final List<StatsWindow> found = new ArrayList<>();
        final String prefix = SeriesProcessor.statsKey(host, metric, "");
        final String namePrefix = prefix.substring(0, host.length() + 1 + metric.length());
        try (KeyValueIterator<String, StatsWindow> it = store.prefixScan(namePrefix, new StringSerializer())) {
            while (it.hasNext()) {
                final KeyValue<String, StatsWindow> next = it.next();
                if (SeriesKey.name(next.value.getSeries()).equals(metric)) {
                    found.add(next.value);
                }
            }
        }
        found.sort(Comparator.comparing(StatsWindow::getSeries).thenComparing(StatsWindow::getWindow));
        return found;
    }
}
