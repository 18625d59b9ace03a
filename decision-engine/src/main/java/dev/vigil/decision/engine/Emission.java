package dev.vigil.decision.engine;

import dev.vigil.schemas.BackupCommand;
import dev.vigil.schemas.DecisionRecord;

/** What the engine publishes: commands (to be signed and sent to the host's worker) and audit records. */
public sealed interface Emission {
    /** A command for a worker. @param command it */
    record Command(BackupCommand command) implements Emission {
    }

    /** An audit record. @param record it */
    record Decision(DecisionRecord record) implements Emission {
    }
}
