package dev.vigil.decision.app;

import dev.vigil.decision.command.CommandSigner;
import dev.vigil.decision.engine.DecisionEngine;
import dev.vigil.decision.engine.Emission;
import dev.vigil.decision.engine.Trigger;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Runs the engine in a stream task: every input through {@link DecisionEngine#handle}, and
 * {@link DecisionEngine#tick} on a wall-clock punctuator. Commands leave signed, keyed by host;
 * audit records keyed by dataset id.
 */
final class DecideProcessor implements Processor<String, Trigger, String, DecideProcessor.Out> {
    static final String DATASETS_STORE = "host-datasets";
    static final String STATE_STORE = "dataset-state";
    static final String BACKUPS_STORE = "task-backups";
    private final DecisionEngine engine;
    private final CommandSigner signer;
    private final Clock clock;
    private final Duration tick;
    private final String commandsTopic;
    private ProcessorContext<String, Out> context;
    private StoreState state;

    /** What the processor emits: a signed command's bytes (signature in the headers), or an audit record. */
    sealed interface Out {
    }

    /** @param value the serialized command, exactly as signed */
    record SignedCommand(byte[] value) implements Out {
    }

    /** @param record the audit record */
    record Audit(dev.vigil.schemas.DecisionRecord record) implements Out {
    }

    DecideProcessor(final DecisionEngine engine, final CommandSigner signer, final Clock clock, final Duration tick,
                    final String commandsTopic) {
        this.engine = engine;
        this.signer = signer;
        this.clock = clock;
        this.tick = tick;
        this.commandsTopic = commandsTopic;
    }

    @Override
    public void init(final ProcessorContext<String, Out> context) {
        this.context = context;
        this.state = new StoreState(context.getStateStore(DATASETS_STORE), context.getStateStore(STATE_STORE),
                context.getStateStore(BACKUPS_STORE));
        // Wall clock, not stream time: RPOs run out whether or not any input arrives.
        context.schedule(tick, PunctuationType.WALL_CLOCK_TIME, at -> emit(engine.tick(state, clock.instant())));
    }

    @Override
    public void process(final Record<String, Trigger> record) {
        emit(engine.handle(record.value(), state, clock.instant()));
    }

    private void emit(final List<Emission> emissions) {
        final long now = clock.millis();
        for (final Emission e : emissions) {
            if (e instanceof Emission.Command c) {
                final RecordHeaders headers = new RecordHeaders();
                final byte[] value = signer.sign(c.command(), commandsTopic, headers);
                context.forward(new Record<String, Out>(c.command().getHost(), new SignedCommand(value), now, headers));
            } else if (e instanceof Emission.Decision d) {
                final String key = d.record().getDataset() != null ? d.record().getDataset() : d.record().getHost();
                context.forward(new Record<String, Out>(key, new Audit(d.record()), now, new RecordHeaders()));
            }
        }
    }
}
