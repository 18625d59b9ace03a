package dev.vigil.decision.state;

import java.util.List;

/**
 * Where the engine keeps its state: Kafka Streams stores in the service, maps in simulation.
 * Calls are made by one thread at a time per instance (a stream task, or the simulator).
 */
public interface StateAccess {
    /**
     * @param host a host name
     * @return the datasets it holds; empty when none
     */
    HostDatasets datasets(String host);

    /**
     * @param host a host name
     * @param datasets its datasets; an empty set removes the entry
     */
    void putDatasets(String host, HostDatasets datasets);

    /** @return every host this instance serves, for the periodic tick */
    List<String> hosts();

    /**
     * @param dataset a dataset id
     * @return its state, or null when the engine has none yet
     */
    DatasetState state(String dataset);

    /** @param state the state to keep, under its dataset id */
    void putState(DatasetState state);

    /** @param dataset the dataset id whose state is dropped */
    void deleteState(String dataset);

    /** @return the backups this instance (a stream task) started recently, and those waiting under its cap */
    BackupStarts backups();

    /** @param backups the task's backups to keep */
    void putBackups(BackupStarts backups);
}
