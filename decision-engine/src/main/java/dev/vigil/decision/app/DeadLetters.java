package dev.vigil.decision.app;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends input that does not deserialize to the dead-letter topic, original bytes and headers kept,
 * the reason in header {@value #REASON_HEADER} and the source in {@value #SOURCE_HEADER}, and goes on.
 */
public final class DeadLetters implements DeserializationExceptionHandler {
    /** Streams config key naming the dead-letter topic. */
    public static final String TOPIC_CONFIG = "vigil.dead.letter.topic";
    /** Header with the reason. */
    public static final String REASON_HEADER = "vigil.dlq.reason";
    /** Header with topic-partition@offset of the original. */
    public static final String SOURCE_HEADER = "vigil.dlq.source";
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);
    private String topic;

    @Override
    public void configure(final Map<String, ?> configs) {
        topic = String.valueOf(configs.get(TOPIC_CONFIG));
    }

    @Override
    public Response handleError(final ErrorHandlerContext context, final ConsumerRecord<byte[], byte[]> record,
                                final Exception exception) {
        final String source = record.topic() + "-" + record.partition() + "@" + record.offset();
        LOG.warn("Input {} does not deserialize; sent to {}: {}", source, topic, exception.getMessage());
        final RecordHeaders headers = new RecordHeaders(record.headers().toArray());
        headers.add(REASON_HEADER, String.valueOf(exception.getMessage()).getBytes(StandardCharsets.UTF_8));
        headers.add(SOURCE_HEADER, source.getBytes(StandardCharsets.UTF_8));
        return Response.resume(List.of(new ProducerRecord<>(topic, null, record.key(), record.value(), headers)));
    }
}
