package dev.vigil.decision.app;

import dev.vigil.decision.engine.InvalidInputException;
import dev.vigil.schemas.topic.DeadLetter;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends input that does not deserialize, or that the engine refuses ({@link InvalidInputException}), to the
 * dead-letter topic, original bytes and headers kept (but the bytes of one too large for that topic: {@link
 * DeadLetter#record}), the reason in header {@value #REASON_HEADER} and the source in {@value #SOURCE_HEADER}, and goes
 * on. Any other failure of a processor stops the engine, as by default: it is a
 * fault of the engine, not of the input, and skipping the input would lose a decision silently.
 */
public final class DeadLetters implements DeserializationExceptionHandler, ProcessingExceptionHandler {
    /** Streams config key naming the dead-letter topic. */
    public static final String TOPIC_CONFIG = "vigil.dead.letter.topic";
    /** Header with the reason. */
    public static final String REASON_HEADER = DeadLetter.REASON_HEADER;
    /** Header with topic-partition@offset of the original. */
    public static final String SOURCE_HEADER = DeadLetter.SOURCE_HEADER;
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);
    private String topic;

    @Override
    public void configure(final Map<String, ?> configs) {
        topic = String.valueOf(configs.get(TOPIC_CONFIG));
    }

    @Override
    public DeserializationExceptionHandler.Response handleError(final ErrorHandlerContext context,
                                                                final ConsumerRecord<byte[], byte[]> record,
                                                                final Exception exception) {
        final String source = DeadLetter.source(record.topic(), record.partition(), record.offset());
        LOG.warn("Input {} does not deserialize; sent to {}: {}", source, topic, exception.getMessage());
        return DeserializationExceptionHandler.Response.resume(List.of(
                deadLetter(record.key(), record.value(), record.headers(), exception.getMessage(), source)));
    }

    @Override
    public ProcessingExceptionHandler.Response handleError(final ErrorHandlerContext context, final Record<?, ?> record,
                                                           final Exception exception) {
        if (!(exception instanceof InvalidInputException) || context.sourceRawValue() == null) {
            return ProcessingExceptionHandler.Response.fail();
        }
        final String source = DeadLetter.source(context.topic(), context.partition(), context.offset());
        LOG.warn("Input {} refused; sent to {}: {}", source, topic, exception.getMessage());
        return ProcessingExceptionHandler.Response.resume(List.of(deadLetter(context.sourceRawKey(),
                context.sourceRawValue(), context.headers(), exception.getMessage(), source)));
    }

    private ProducerRecord<byte[], byte[]> deadLetter(final byte[] key, final byte[] value, final Headers original,
                                                      final String reason, final String source) {
        return DeadLetter.record(topic, null, key, value, original, String.valueOf(reason), source,
                DeadLetter.MAX_RECORD_BYTES);
    }
}
