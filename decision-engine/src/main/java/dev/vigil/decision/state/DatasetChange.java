package dev.vigil.decision.state;

import dev.vigil.schemas.DatasetSpec;

/**
 * A change of the dataset registry routed to the dataset's host: the new spec, or its removal
 * from this host (deleted, or moved to another host).
 *
 * @param id the dataset id
 * @param spec the spec now in force on this host; null when the dataset left this host
 */
public record DatasetChange(String id, DatasetSpec spec) {
}
