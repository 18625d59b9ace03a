package dev.vigil.decision.cli;

import dev.vigil.schemas.DecisionRecord;
import dev.vigil.schemas.Outcome;
import dev.vigil.schemas.topic.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How the audit trail tells whether a proposal still awaits its operator: a later record answered it (APPROVED,
 * REJECTED, naming "(proposal ID" in its reason) or wrote it off (expired: the proposal's id is its trigger). One
 * reading for {@code vigil approve}, {@code vigil reject} and {@code vigil status}.
 */
public final class Proposals {
    private Proposals() {
    }

    /** @return whether the record may settle a proposal (cheap filter, to keep while reading once) */
    static boolean maySettle(final DecisionRecord record) {
        return record.getReason().contains("proposal ");
    }

    /** @return whether {@code record} answered or wrote off the proposal {@code proposalId} */
    static boolean settles(final DecisionRecord record, final String proposalId) {
        return proposalId.equals(record.getTrigger()) || record.getReason().contains("(proposal " + proposalId);
    }

    /**
     * The proposals no record answered or wrote off, read from the audit trail back to {@code ttl} (the engine's
     * proposal.ttl: an older proposal has expired, whether or not the engine has written it off yet).
     *
     * @param client cluster settings (bootstrap.servers and any client setting)
     * @param prefix topic prefix
     * @param ttl how long a proposal waits for its answer
     * @return the pending proposals, oldest first
     */
    public static List<DecisionRecord> pending(final Map<String, Object> client, final String prefix,
                                               final Duration ttl) {
        final Instant now = Instant.now();
        final Map<String, DecisionRecord> proposed = new LinkedHashMap<>();
        final List<DecisionRecord> settling = new ArrayList<>();
        TopicReader.read(client, Topics.DECISIONS.withPrefix(prefix), now.minus(ttl), r -> {
            if (r.value() == null) {
                return;
            }
            if (r.value().getOutcome() == Outcome.PROPOSED) {
                proposed.put(r.value().getId(), r.value());
            } else if (maySettle(r.value())) {
                settling.add(r.value());
            }
        });
        proposed.values().removeIf(p -> settling.stream().anyMatch(r -> settles(r, p.getId()))
                || !p.getTime().plus(ttl).isAfter(now));
        return proposed.values().stream()
                .sorted(java.util.Comparator.comparing(DecisionRecord::getTime)).toList();
    }
}
