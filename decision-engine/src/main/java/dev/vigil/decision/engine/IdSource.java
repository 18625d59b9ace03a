package dev.vigil.decision.engine;

import dev.vigil.schemas.Ids;
import java.time.Instant;

/** Where decision and command ids come from: time-ordered random ids in service, a counter in simulation. */
@FunctionalInterface
public interface IdSource {
    /** Time-ordered UUIDs. */
    IdSource RANDOM = Ids::timeOrdered;

    /**
     * @param now the engine's clock
     * @return a new id
     */
    String next(Instant now);
}
