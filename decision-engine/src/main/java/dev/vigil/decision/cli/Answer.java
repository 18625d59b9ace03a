package dev.vigil.decision.cli;

import dev.vigil.decision.DecisionException;
import dev.vigil.schemas.Action;
import dev.vigil.schemas.DecisionRecord;
import dev.vigil.schemas.Durations;
import dev.vigil.schemas.Feedback;
import dev.vigil.schemas.Ids;
import dev.vigil.schemas.Outcome;
import dev.vigil.schemas.Verdict;
import dev.vigil.schemas.config.ClusterOptions;
import dev.vigil.schemas.json.RecordJson;
import dev.vigil.schemas.topic.Topic;
import dev.vigil.schemas.topic.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * What {@code vigil approve} and {@code vigil reject} share: find the decision (by id or unique
 * prefix) in the audit trail, publish the operator's feedback, and wait for the engine's answer.
 */
final class Answer {
    /** Exit code when the engine did not act on the answer (not pending, or no reply in time). */
    static final int NOT_APPLIED = 1;
    /** Published, but the engine did not answer within the wait: it applies it when it runs. */
    static final int QUEUED = 4;
    /** The exit codes of approve and reject, for their help. */
    static final String EXIT_CODES = "Exit codes: 0 applied (on a decision that is not a proposal: recorded as "
            + "feedback), 1 not applied (answered already, or expired), 2 bad usage, 3 configuration refused, 4 recorded "
            + "but not answered within --wait, or --wait 0s (the engine applies it when it runs, unless the proposal "
            + "expires first).";

    private Answer() {
    }

    /**
     * A decision from the audit trail, and for a proposal what became of it.
     *
     * @param decision the decision
     * @param fate for a proposal, the first later record that answered it (approved, rejected) or wrote it off
     *     (expired); null when none
     */
    record Found(DecisionRecord decision, DecisionRecord fate) {
    }

    /**
     * @param spec the command, for a usage error
     * @param cluster the cluster
     * @param id a decision id, or a unique prefix or suffix of at least 8 characters (ids are time-ordered
     *     UUIDs: decisions of the same moment share a prefix, the suffix is random)
     * @param within how far back to look
     * @return the decision
     * @throws picocli.CommandLine.ParameterException (bad usage, exit code 2) when the id is too short
     */
    static Found find(final picocli.CommandLine.Model.CommandSpec spec, final ClusterOptions cluster, final String id,
                      final Duration within) {
        if (id.length() < 8) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "decision id '" + id
                    + "' is too short; give at least 8 characters");
        }
        final List<DecisionRecord> found = new ArrayList<>();
        // what answers a proposal names it in its reason, or has it as its trigger (expiry): kept while reading once
        final List<DecisionRecord> answers = new ArrayList<>();
        TopicReader.read(cluster.client(), Topics.DECISIONS.withPrefix(cluster.prefix()), Instant.now().minus(within),
                r -> {
                    if (r.value() == null) {
                        return;
                    }
                    if (r.value().getId().startsWith(id) || r.value().getId().endsWith(id)) {
                        found.add(r.value());
                    } else if (Proposals.maySettle(r.value())) {
                        answers.add(r.value());
                    }
                });
        if (found.isEmpty()) {
            throw new DecisionException("no decision " + id + " in the audit trail of the last "
                    + Durations.format(within) + " (see 'vigil watch decisions'; --within looks further back)");
        }
        if (found.stream().map(DecisionRecord::getId).distinct().count() > 1) {
            throw new DecisionException("decision id part '" + id + "' is ambiguous: " + found.stream()
                    .map(DecisionRecord::getId).distinct().toList());
        }
        final DecisionRecord decision = found.get(0);
        final DecisionRecord fate = decision.getOutcome() != Outcome.PROPOSED ? null : answers.stream()
                .filter(r -> Proposals.settles(r, decision.getId()))
                .findFirst().orElse(null);
        return new Found(decision, fate);
    }

    /** A duration option's value, or bad usage (exit code 2) naming the option. */
    static java.time.Duration duration(final picocli.CommandLine.Model.CommandSpec spec, final String option,
                                       final String text) {
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), option + ": " + e.getMessage());
        }
    }

    /**
     * Publishes the feedback and waits for the engine's audit record about it.
     *
     * @return the exit code: 0 when the engine applied it, {@link #NOT_APPLIED} when it did not, {@link #QUEUED}
     *     when it did not answer within the wait
     */
    static int answer(final ClusterOptions cluster, final Found found, final Verdict verdict,
                      final Action override, final String reason, final String operator, final Duration wait,
                      final boolean json) {
        final DecisionRecord decision = found.decision();
        if (found.fate() != null) {
            final DecisionRecord fate = found.fate();
            if (json) {
                System.out.println(RecordJson.write(fate));
            }
            System.err.println("decision " + decision.getId() + " was a proposal, answered already: " + fate.getOutcome()
                    + " at " + fate.getTime() + ": " + fate.getReason() + "; nothing sent"
                    + (fate.getOutcome() == Outcome.APPROVED || fate.getOutcome() == Outcome.REJECTED ? ""
                    : " (if it is still needed, the engine proposes it again when its cause recurs)"));
            return NOT_APPLIED;
        }
        if (decision.getOutcome() != Outcome.PROPOSED && !json) {
            System.err.println("note: decision " + decision.getId() + " is " + decision.getOutcome()
                    + ", not a proposal; the answer is kept as feedback for retraining the model");
        }
        // who answered, for the audit trail: $USER is not set under cron, sudo or in containers
        final String who = operator == null || operator.isBlank() ? System.getProperty("user.name", "") : operator;
        final Instant sent = Instant.now();
        final Feedback feedback = Feedback.newBuilder().setId(Ids.timeOrdered(sent)).setHost(decision.getHost())
                .setTime(sent).setDecisionId(decision.getId()).setDataset(decision.getDataset()).setVerdict(verdict)
                .setOverrideAction(override).setReason(reason == null ? "" : reason)
                .setOperator(who).build();
        final String key = decision.getDataset() != null ? decision.getDataset() : decision.getHost();
        Publisher.send(cluster.client(), Topics.FEEDBACK.withPrefix(cluster.prefix()), key, feedback);
        if (decision.getOutcome() != Outcome.PROPOSED) {
            System.out.println(json ? RecordJson.write(feedback) : verdict + " of " + decision.getId()
                    + " recorded as feedback");
            return 0;
        }
        if (wait.isZero()) {
            System.out.println(json ? RecordJson.write(feedback) : verdict + " of " + decision.getId() + " published");
            System.err.println("not waiting for the engine's answer (--wait 0s): it applies it when it runs, unless "
                    + "the proposal expires first ('vigil watch decisions')");
            return QUEUED;
        }
        final DecisionRecord reply = awaitReply(cluster, feedback.getId(), sent, wait);
        if (reply == null) {
            System.err.println(verdict + " of " + decision.getId() + " recorded, but the decision engine did not "
                    + "answer within " + Durations.format(wait) + ": it applies it when it runs (unless the proposal "
                    + "expires first); is it running, or failing over (its partitions move after Kafka's session "
                    + "timeout, 45 s by default)? ('vigil watch decisions')");
            return QUEUED;
        }
        System.out.println(json ? RecordJson.write(reply) : reply.getOutcome() + ": " + reply.getReason()
                + (reply.getCommandId() == null ? "" : " (command " + reply.getCommandId() + " to host "
                + reply.getHost() + ")"));
        return reply.getOutcome() == Outcome.APPROVED || reply.getOutcome() == Outcome.REJECTED ? 0 : NOT_APPLIED;
    }

    /** Waits for the engine's audit record caused by the feedback (its trigger is the feedback's id). */
    private static DecisionRecord awaitReply(final ClusterOptions cluster, final String feedbackId, final Instant since,
                                             final Duration wait) {
        final Topic<String, DecisionRecord> topic = Topics.DECISIONS.withPrefix(cluster.prefix());
        final Map<String, Object> props = new HashMap<>(cluster.client());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<String, DecisionRecord> consumer = new KafkaConsumer<>(props,
                topic.keySerde().deserializer(), topic.valueSerde().deserializer())) {
            final List<TopicPartition> partitions = consumer.partitionsFor(topic.name()).stream()
                    .map(p -> new TopicPartition(topic.name(), p.partition())).toList();
            consumer.assign(partitions);
            final Map<TopicPartition, Long> at = new HashMap<>();
            partitions.forEach(p -> at.put(p, since.minusSeconds(60).toEpochMilli()));
            consumer.offsetsForTimes(at).forEach((p, o) -> {
                if (o == null) {
                    consumer.seekToEnd(List.of(p));
                } else {
                    consumer.seek(p, o.offset());
                }
            });
            final long deadline = System.nanoTime() + wait.toNanos();
            while (System.nanoTime() < deadline) {
                for (final ConsumerRecord<String, DecisionRecord> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.value() != null && feedbackId.equals(r.value().getTrigger())) {
                        return r.value();
                    }
                }
            }
            return null;
        }
    }
}
