package dev.vigil.backup.app;

import dev.vigil.schemas.DatasetSpec;
import dev.vigil.schemas.topic.Topic;
import dev.vigil.schemas.topic.TopicContents;
import dev.vigil.schemas.topic.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Where the dataset registry ({@code vigil datasets}, read by the decision engine) and this worker's own configuration
 * disagree. The worker acts on its own file; the engine decides, and words its proposals, from the registry: a path
 * set differently in the two places would have an approved restore land somewhere other than the proposal said.
 * Said at start, in the worker's log.
 */
final class RegistryCheck {
    private RegistryCheck() {
    }

    /**
     * @param config the worker's settings
     * @param registry the registry's entries, by dataset id
     * @return one sentence per disagreement that concerns this host
     */
    static List<String> disagreements(final WorkerConfig config, final Map<String, DatasetSpec> registry) {
        final List<String> out = new ArrayList<>();
        final String host = config.hostName();
        for (final String id : new TreeSet<>(config.datasetIds())) {
            final DatasetSpec spec = registry.get(id);
            if (spec == null) {
                out.add("dataset " + id + " is served here but not registered: the decision engine decides nothing "
                        + "for it ('vigil datasets add " + id + " --host " + host + " ...')");
            } else if (!host.equals(spec.getHost())) {
                out.add("dataset " + id + " is registered for host " + spec.getHost() + ", not " + host + " (this "
                        + "worker's host.name): its commands go to that host's worker");
            } else {
                differs(out, id, "path", spec.getPath(), config.dataset(id, "path"));
                differs(out, id, "repository", spec.getRepository(), config.dataset(id, "repository"));
            }
        }
        registry.values().stream()
                .filter(spec -> host.equals(spec.getHost()) && !config.datasetIds().contains(spec.getId()))
                .map(spec -> "dataset " + spec.getId() + " is registered for this host but not served here ("
                        + WorkerConfig.DATASETS_CONFIG + "): its commands will be refused")
                .sorted()
                .forEach(out::add);
        return out;
    }

    private static void differs(final List<String> out, final String id, final String key, final String registered,
                                final String own) {
        if (!Path.of(registered).normalize().equals(Path.of(own).normalize())) {
            out.add("dataset " + id + ": the registry says " + key + " " + registered + ", this worker's dataset." + id
                    + "." + key + " says " + own + "; the worker uses its own, the engine's proposals name the "
                    + "registry's: make them agree");
        }
    }

    /**
     * @param config the worker's settings
     * @param timeout how long to read for
     * @return the registry as the compacted topic holds it now (later entries of an id replace earlier ones; one that
     *     does not decode leaves the last readable one in force, as the collector has it)
     */
    static Map<String, DatasetSpec> read(final WorkerConfig config, final Duration timeout) {
        final Topic<String, DatasetSpec> topic = Topics.DATASETS.withPrefix(config.topicPrefix());
        final Map<String, DatasetSpec> specs = new HashMap<>();
        TopicContents.read(config.kafkaClientConfig(), topic.name(), timeout, (id, value) -> {
            if (value == null) {
                specs.remove(id);
                return;
            }
            try {
                specs.put(id, topic.valueSerde().deserializer().deserialize(topic.name(), value));
            } catch (RuntimeException e) {
                // the last readable spec stays, as in the collector
            }
        });
        return specs;
    }
}
