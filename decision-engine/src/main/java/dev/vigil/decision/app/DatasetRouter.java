package dev.vigil.decision.app;

import dev.vigil.decision.state.DatasetChange;
import dev.vigil.schemas.DatasetSpec;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Routes registry changes (keyed by dataset id) to the dataset's host: the new spec to its host,
 * and a removal to the host it left, whether it was deleted or moved. Remembers each dataset's
 * host in store {@value #STORE}.
 */
final class DatasetRouter implements Processor<String, DatasetSpec, String, DatasetChange> {
    static final String STORE = "dataset-hosts";
    private ProcessorContext<String, DatasetChange> context;
    private KeyValueStore<String, String> hosts;

    @Override
    public void init(final ProcessorContext<String, DatasetChange> context) {
        this.context = context;
        this.hosts = context.getStateStore(STORE);
    }

    @Override
    public void process(final Record<String, DatasetSpec> record) {
        final String id = record.key() != null ? record.key() : record.value() == null ? null : record.value().getId();
        if (id == null) {
            return;
        }
        final String before = hosts.get(id);
        final DatasetSpec spec = record.value();
        if (before != null && (spec == null || !before.equals(spec.getHost()))) {
            context.forward(record.withKey(before).withValue(new DatasetChange(id, null)));
        }
        if (spec == null) {
            hosts.delete(id);
            return;
        }
        hosts.put(id, spec.getHost());
        context.forward(record.withKey(spec.getHost()).withValue(new DatasetChange(id, spec)));
    }
}
