package dev.vigil.backup.worker;

import dev.vigil.backup.archiver.ChangeJournal;
import java.time.Instant;

/** Where a worker's INCREMENTAL backups find a dataset's change journal (the Kafka feed, in the service). */
public interface JournalSource {
    /**
     * Called before a backup plans, again while it waits for intervals not yet read.
     *
     * @param dataset a served dataset
     * @return its journal as known now; possibly empty, never null
     */
    ChangeJournal journal(String dataset);

    /**
     * Called after a backup succeeded: intervals that ended before its coverage point are not needed.
     *
     * @param dataset the dataset
     * @param coveredFrom the new snapshot's coverage point
     */
    void covered(String dataset, Instant coveredFrom);
}
