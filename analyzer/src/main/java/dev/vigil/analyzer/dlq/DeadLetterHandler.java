package dev.vigil.analyzer.dlq;

import dev.vigil.analyzer.clean.HostWarnings;
import dev.vigil.analyzer.clean.Refusal;
import dev.vigil.analyzer.clean.RejectedRecordException;
import dev.vigil.schemas.topic.DeadLetter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends what the analyzer cannot use to the dead-letter topic, with the original key and value
 * bytes, the original headers, and the reason in header {@value #REASON_HEADER}, then lets
 * processing continue. Installed as both {@code deserialization.exception.handler} (bytes that do
 * not decode: not Avro, unknown schema, corrupt) and {@code processing.exception.handler}
 * (records a processor rejects with {@link RejectedRecordException}, or any other failure of a
 * processor on one record). The dead-letter record is produced in the task's transaction, so
 * under exactly-once it appears once, together with the offsets that skip its input.
 *
 * <p>Each dead letter is also counted per host and {@link Refusal} and reported at WARN, the first at once, then one
 * line per host and reason every five minutes while they last ({@link HostWarnings}): a host whose clock runs ahead
 * or went back loses all its records here, which must not go unnoticed. The host is the rejection's, else the
 * record's key (every input is keyed by host).
 *
 * <p>The topic comes from {@code errors.dead.letter.queue.topic.name}; without it nothing can be
 * kept and the handler fails the task rather than drop records silently.
 */
public final class DeadLetterHandler implements DeserializationExceptionHandler, ProcessingExceptionHandler {
    /** Header holding why the record was refused, UTF-8. */
    public static final String REASON_HEADER = DeadLetter.REASON_HEADER;
    /** Header holding where the record came from: {@code topic/partition@offset}. */
    public static final String SOURCE_HEADER = DeadLetter.SOURCE_HEADER;
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterHandler.class);

    private String topic;
    /** The producer's {@code max.request.size}: a larger dead letter failed the stream thread, and again after it. */
    private int maxRecordBytes = 1 << 20;
    /** Kafka Streams creates a handler per task (a host's records are all in one): the limits hold per host. */
    private final HostWarnings warnings = new HostWarnings(Clock.systemUTC(), HostWarnings.DEFAULT_PERIOD, LOG::warn);
    /**
     * The input of the last processing dead letter. One input can fail in several places (a file-activity event
     * feeds six series, each may refuse its point as late) and Kafka Streams asks again for each; it is kept once,
     * with the first reason. Compared by identity: the same record's bytes while it is processed, new bytes when it
     * is read again (after an aborted transaction, whose dead letter went with it).
     */
    private volatile byte[] lastInput;

    @Override
    public void configure(final Map<String, ?> configs) {
        final Object name = configs.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
        topic = name == null ? null : name.toString();
        for (final String key : List.of(ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
                StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG))) {
            if (configs.get(key) != null) {
                maxRecordBytes = Integer.parseInt(configs.get(key).toString().strip());
            }
        }
    }

    @Override
    public DeserializationExceptionHandler.Response handleError(final ErrorHandlerContext context,
                                                                final ConsumerRecord<byte[], byte[]> record,
                                                                final Exception exception) {
        final String reason = "undecodable " + record.topic() + " record: " + message(exception);
        LOG.debug("Dead-lettering {}/{}@{}: {}", record.topic(), record.partition(), record.offset(), reason);
        if (topic == null) {
            LOG.warn("Cannot dead-letter {}/{}@{}: {}", record.topic(), record.partition(), record.offset(), reason);
            return DeserializationExceptionHandler.Response.fail();
        }
        warn(record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8), Refusal.UNDECODABLE,
                reason + " (" + DeadLetter.source(record.topic(), record.partition(), record.offset()) + ")");
        return DeserializationExceptionHandler.Response.resume(List.of(
                deadLetter(context, record.key(), record.value(), record.headers(), reason)));
    }

    @Override
    public ProcessingExceptionHandler.Response handleError(final ErrorHandlerContext context,
                                                           final Record<?, ?> record,
                                                           final Exception exception) {
        final String reason;
        if (exception instanceof RejectedRecordException) {
            reason = exception.getMessage();
            LOG.debug("Dead-lettering {}/{}@{}: {}", context.topic(), context.partition(), context.offset(), reason);
        } else {
            reason = "processing failed in " + context.processorNodeId() + ": " + exception;
            LOG.error("Dead-lettering {}/{}@{} after a failure in {}", context.topic(), context.partition(),
                    context.offset(), context.processorNodeId(), exception);
        }
        if (topic == null) {
            return ProcessingExceptionHandler.Response.fail();
        }
        if (context.sourceRawValue() == null) {
            // A punctuator's failure has no input record to keep; the error log above is the trace.
            return ProcessingExceptionHandler.Response.resume();
        }
        if (context.sourceRawValue() == lastInput) {
            return ProcessingExceptionHandler.Response.resume();
        }
        lastInput = context.sourceRawValue();
        if (exception instanceof RejectedRecordException rejected) {
            warn(hostOf(rejected, record, context), rejected.refusal(), reason);
        }
        return ProcessingExceptionHandler.Response.resume(List.of(
                deadLetter(context, context.sourceRawKey(), context.sourceRawValue(), context.headers(), reason)));
    }

    private synchronized void warn(final String host, final Refusal refusal, final String reason) {
        warnings.record(host, refusal, reason);
    }

    private static String hostOf(final RejectedRecordException rejected, final Record<?, ?> record,
                                 final ErrorHandlerContext context) {
        if (rejected.host() != null) {
            return rejected.host();
        }
        if (record != null && record.key() instanceof String key) {
            return key;
        }
        return context.sourceRawKey() == null ? null : new String(context.sourceRawKey(), StandardCharsets.UTF_8);
    }

    private ProducerRecord<byte[], byte[]> deadLetter(final ErrorHandlerContext context, final byte[] key,
                                                      final byte[] value, final Headers headers, final String reason) {
        return DeadLetter.record(topic, context.timestamp(), key, value, headers, reason,
                DeadLetter.source(context.topic(), context.partition(), context.offset()),
                Math.min(maxRecordBytes, DeadLetter.MAX_RECORD_BYTES));
    }

    private static String message(final Throwable e) {
        final StringBuilder text = new StringBuilder(String.valueOf(e.getMessage()));
        // Kafka wraps the serde's exception; its cause usually says what was wrong with the bytes.
        for (Throwable cause = e.getCause(); cause != null && cause != e; cause = cause.getCause()) {
            if (cause.getMessage() != null && !text.toString().contains(cause.getMessage())) {
                text.append(": ").append(cause.getMessage());
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return text.toString();
    }
}
