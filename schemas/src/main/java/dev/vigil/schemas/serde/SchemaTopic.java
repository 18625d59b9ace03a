package dev.vigil.schemas.serde;

import dev.vigil.schemas.topic.TopicContents;
import dev.vigil.schemas.topic.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongFunction;
import org.apache.avro.Schema;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code vigil-schemas} topic as a shared schema store: writers register their schemas,
 * readers look up fingerprints they have never seen. Key: fingerprint as 16 hex digits; value:
 * the schema's JSON. Compacted, so it holds every version ever registered.
 */
public final class SchemaTopic {
    private static final Logger LOG = LoggerFactory.getLogger(SchemaTopic.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private SchemaTopic() {
    }

    /**
     * Registers every current value schema of the catalogue and lets the global catalog look up
     * unknown fingerprints in the topic. Call once at service start, after the topics exist.
     *
     * @param clientConfig at least {@code bootstrap.servers}
     * @param prefix the deployment's topic prefix
     * @return what the service runs when it stops: the global catalog no longer looks in this topic
     */
    public static Runnable install(final Map<String, Object> clientConfig, final String prefix) {
        final String topic = Topics.SCHEMAS.withPrefix(prefix).name();
        register(clientConfig, topic, Topics.valueSchemas());
        final LongFunction<Schema> lookup = lookup(clientConfig, topic);
        SchemaCatalog.global().addFallback(lookup);
        return () -> SchemaCatalog.global().removeFallback(lookup);
    }

    /**
     * Writes schemas to the topic and waits for the broker to acknowledge them.
     *
     * @param clientConfig at least {@code bootstrap.servers}
     * @param topic the full topic name
     * @param schemas schemas to register
     */
    public static void register(final Map<String, Object> clientConfig, final String topic,
                                final Collection<Schema> schemas) {
        final Map<String, Object> props = new HashMap<>(clientConfig);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        // Not idempotent: on a topic created a moment ago, an idempotent producer that met NOT_LEADER could
        // retry with OUT_OF_ORDER_SEQUENCE until the timeout (seen in benches on a fresh broker). A duplicate
        // here is harmless: the same key and value on a compacted topic.
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
        final KafkaProducer<String, String> producer =
                new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
        boolean acknowledged = false;
        try {
            final List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (final Schema schema : schemas) {
                sent.add(producer.send(new ProducerRecord<>(topic, hex(SchemaCatalog.fingerprint(schema)),
                        schema.toString())));
            }
            for (final Future<RecordMetadata> f : sent) {
                f.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
            acknowledged = true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while registering schemas in " + topic, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new KafkaException("cannot register schemas in " + topic + ": " + e.getMessage(), e);
        } finally {
            // A service stopping while the broker is away interrupts this thread: close without waiting for records
            // that will never be acknowledged (they are re-sent at the next start), and without the producer's
            // interrupted-join error in the log; the interrupt is kept for the caller.
            final boolean interrupted = Thread.interrupted();
            producer.close(acknowledged ? TIMEOUT : Duration.ZERO);
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * A catalog fallback that reads the whole topic on a miss; a fingerprint still unknown after
     * that is reported as missing.
     *
     * @param clientConfig at least {@code bootstrap.servers}
     * @param topic the full topic name
     * @return the lookup
     */
    public static LongFunction<Schema> lookup(final Map<String, Object> clientConfig, final String topic) {
        return fingerprint -> readAll(clientConfig, topic).get(fingerprint);
    }

    static Map<Long, Schema> readAll(final Map<String, Object> clientConfig, final String topic) {
        final Map<Long, Schema> found = new HashMap<>();
        try {
            TopicContents.read(clientConfig, topic, TIMEOUT, (key, value) -> {
                if (value == null) {
                    return;
                }
                try {
                    final Schema schema = new Schema.Parser().parse(new String(value, StandardCharsets.UTF_8));
                    found.put(SchemaCatalog.fingerprint(schema), schema);
                } catch (RuntimeException e) {
                    LOG.warn("Ignoring unparsable schema {} in {}: {}", key, topic, e.getMessage());
                }
            });
        } catch (KafkaException e) {
            LOG.warn("Cannot read schemas from {}: {}", topic, e.getMessage());
        }
        return found;
    }

    static String hex(final long fingerprint) {
        return HexFormat.of().toHexDigits(fingerprint);
    }
}
