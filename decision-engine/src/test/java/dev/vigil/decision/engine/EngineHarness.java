package dev.vigil.decision.engine;

import dev.vigil.decision.rules.RuleBook;
import dev.vigil.decision.state.DatasetChange;
import dev.vigil.decision.state.DatasetState;
import dev.vigil.decision.state.MemoryState;
import dev.vigil.decision.tree.Examples;
import dev.vigil.decision.tree.TreeModel;
import dev.vigil.schemas.BackupCommand;
import dev.vigil.schemas.DatasetSpec;
import dev.vigil.schemas.DecisionRecord;
import dev.vigil.schemas.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** The engine over memory state with a hand-driven clock, recording everything it emits. */
public final class EngineHarness {
    private static final TreeModel MODEL = TreeModel.train(Examples.shipped(), TreeModel.Options.defaults());
    public final MemoryState store = new MemoryState();
    public final DecisionEngine engine;
    public final List<BackupCommand> commands = new ArrayList<>();
    public final List<DecisionRecord> decisions = new ArrayList<>();
    public Instant now = Instant.parse("2026-01-05T10:00:00Z");
    private final AtomicInteger counter = new AtomicInteger();

    public EngineHarness() {
        this(EngineSettings.defaults(), RuleBook.open(null));
    }

    public EngineHarness(final EngineSettings settings, final RuleBook rules) {
        engine = new DecisionEngine(settings, rules, MODEL, at -> "id-" + counter.incrementAndGet());
    }

    public List<Emission> handle(final Trigger trigger) {
        return record(engine.handle(trigger, store, now));
    }

    public List<Emission> tick() {
        return record(engine.tick(store, now));
    }

    public void advance(final Duration d) {
        now = now.plus(d);
    }

    public List<Emission> register(final DatasetSpec spec) {
        return handle(new Trigger.OfDatasets(spec.getHost(), new DatasetChange(spec.getId(), spec)));
    }

    public DatasetState state(final String dataset) {
        return store.state(dataset);
    }

    public List<DecisionRecord> outcomes(final Outcome outcome) {
        return decisions.stream().filter(d -> d.getOutcome() == outcome).toList();
    }

    public BackupCommand lastCommand() {
        return commands.get(commands.size() - 1);
    }

    private List<Emission> record(final List<Emission> out) {
        for (final Emission e : out) {
            if (e instanceof Emission.Command c) {
                commands.add(c.command());
            } else if (e instanceof Emission.Decision d) {
                decisions.add(d.record());
            }
        }
        return out;
    }
}
