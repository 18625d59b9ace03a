package dev.vigil.deploy.status;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.schemas.Durations;
import dev.vigil.schemas.json.RecordJson;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What {@code vigil status} found, and what of it needs attention: the verdict line, the aligned tables for people,
 * and one JSON document with the same facts.
 *
 * @param time when it was read
 * @param bootstrap the cluster
 * @param brokers its brokers, and which are down
 * @param groups the services' consumer groups
 * @param datasets the protected datasets
 * @param proposals the proposals awaiting an operator
 * @param deadLetters the dead letters of the last {@code since}
 */
record Report(Instant time, String bootstrap, Brokers brokers, List<Group> groups, List<Dataset> datasets, List<Proposal> proposals,
              DeadLetters deadLetters) {
    static final String OK = "OK";
    static final String LAGGING = "LAGGING";
    static final String NO_MEMBERS = "NO MEMBERS";
    static final String STALLED = "STALLED";
    static final String PAST_RPO = "PAST RPO";
    static final String FAILING = "FAILING";
    /** Dead-letter reasons listed in the text; the rest are counted in one row. */
    static final int REASONS_SHOWN = 10;

    /**
     * @param total the brokers the cluster lists, those down included
     * @param down the ids of those down (fenced: stopped, or no heartbeat to the controllers), in order
     */
    record Brokers(int total, List<Integer> down) {
        String text() {
            return total + (total == 1 ? " broker" : " brokers") + (down.isEmpty() ? ""
                    : ", " + (down.size() == 1 ? "broker " : "brokers ")
                    + String.join(", ", down.stream().map(String::valueOf).toList()) + " down");
        }
    }

    /** Lag on one topic: the sum over its partitions, and the largest one's. */
    record Lag(long sum, long max) {
    }

    /**
     * @param service for people: analyzer, decision-engine, worker HOST
     * @param group the consumer group (application id)
     * @param state the group's state as Kafka says it, or how the service uses it
     * @param instances how many instances (Streams: one per client, whatever its threads)
     * @param hosts where the members connect from
     * @param lag per input topic
     * @param oldestWaiting a worker's: when the oldest command waiting for it was sent; null when none, and for the
     *     Streams apps
     * @param verdict OK, LAGGING, NO MEMBERS, or STALLED (a worker: commands wait and it has reported nothing for
     *     {@link Groups#STALL})
     */
    record Group(String service, String group, String state, int instances, List<String> hosts, Map<String, Lag> lag,
                 Instant oldestWaiting, String verdict) {
        long lagSum() {
            return lag.values().stream().mapToLong(Lag::sum).sum();
        }

        long lagMax() {
            return lag.values().stream().mapToLong(Lag::max).max().orElse(0);
        }
    }

    /** A backup that succeeded: when, at which level, which snapshot. */
    record Backup(Instant time, String level, String snapshot) {
    }

    /** A command that failed or was refused: when, what, why. */
    record Failure(Instant time, String action, String status, String reason) {
    }

    /** A command the worker accepted and has not finished. */
    record Running(String commandId, String action, Instant since, String status) {
    }

    /**
     * @param id the dataset
     * @param host its host
     * @param rpo its recovery point objective
     * @param lastBackup the latest successful backup within the window read that is not evidence, or null
     * @param lastEvidence the latest evidence snapshot within the window (data of an incident, suspected damaged; a
     *     restore of 'latest' passes over it), or null
     * @param lastFailure the latest failure within the window, or null
     * @param running the command in progress, or null
     * @param window how far back results were read
     * @param verdict OK, PAST RPO or FAILING (the latest outcome is a failure)
     */
    record Dataset(String id, String host, Duration rpo, Backup lastBackup, Backup lastEvidence, Failure lastFailure,
                   Running running, Duration window, String verdict) {
    }

    /**
     * A proposal no audit record settled yet: awaiting an operator ({@code vigil approve ID} / {@code vigil reject
     * ID}), or answered and awaiting the decision engine, which applies the answer when it runs.
     *
     * @param answer the operator's answer the engine has not applied yet, or null
     */
    record Proposal(String id, String action, String dataset, String host, Instant time, Instant expires,
                    String reason, Answer answer) {
    }

    /**
     * @param verdict APPROVE or REJECT
     * @param operator who answered
     * @param time when
     */
    record Answer(String verdict, String operator, Instant time) {
    }

    /**
     * @param since how far back they were counted
     * @param total how many
     * @param byReason per header vigil.dlq.reason, without each record's id and figures ({@link Status#reasonGroup})
     * @param examples per group of {@code byReason}, the last reason read of it, figures kept (without its record's
     *     id): the grouping makes web-1 and web-2 both web-N, and the operator must learn which host it is
     * @param bySource per topic they were read from (header vigil.dlq.source)
     */
    record DeadLetters(Duration since, long total, Map<String, Long> byReason, Map<String, String> examples,
                       Map<String, Long> bySource) {
    }

    /** @return what needs attention, one short phrase each; empty when healthy */
    List<String> attention() {
        final List<String> out = new ArrayList<>();
        if (!brokers.down().isEmpty()) {
            // the first thing to know at 3 a.m.: replicas are missing, and with two down writes stop
            out.add((brokers.down().size() == 1 ? "broker " : "brokers ") + String.join(", ",
                    brokers.down().stream().map(String::valueOf).toList()) + " of " + brokers.total() + " down");
        }
        groups.stream().filter(g -> !OK.equals(g.verdict())).forEach(g -> out.add(g.service() + " " + g.verdict()));
        datasets.stream().filter(d -> !OK.equals(d.verdict())).forEach(d -> out.add("dataset " + d.id() + " "
                + d.verdict()));
        final long open = proposals.stream().filter(p -> p.answer() == null).count();
        if (open > 0) {
            out.add(open + (open == 1 ? " proposal awaits" : " proposals await") + " approval");
        }
        if (open < proposals.size()) {
            final long answered = proposals.size() - open;
            out.add(answered + (answered == 1 ? " answer" : " answers") + " not applied yet: is the decision engine "
                    + "running?");
        }
        if (deadLetters.total() > 0) {
            out.add(deadLetters.total() + " dead letter" + (deadLetters.total() == 1 ? "" : "s") + " in the last "
                    + Durations.format(deadLetters.since()));
        }
        return out;
    }

    /** @return the first line: the verdict and why */
    String verdictLine() {
        final List<String> attention = attention();
        return attention.isEmpty() ? "Vigil OK: every service consumes, every dataset within its RPO"
                : "Vigil NEEDS ATTENTION: " + String.join("; ", attention);
    }

    /** @return the report for people: the verdict line, then one aligned table per part */
    String text() {
        final StringBuilder b = new StringBuilder(verdictLine()).append('\n');
        b.append("at ").append(time.truncatedTo(ChronoUnit.SECONDS)).append(", cluster ").append(bootstrap)
                .append(" (").append(brokers.text()).append(")\n\n");
        final Table services = new Table("SERVICE", "GROUP", "STATE", "INSTANCES", "HOSTS", "LAG", "MAX", "VERDICT");
        groups.forEach(g -> services.row(g.service(), g.group(), g.state(), String.valueOf(g.instances()),
                g.hosts().isEmpty() ? "-" : String.join(",", g.hosts()), String.valueOf(g.lagSum()),
                String.valueOf(g.lagMax()), g.verdict()));
        b.append(services);
        // a worker is never a member: commands waiting long for it are how a stopped one shows
        groups.stream().filter(g -> g.oldestWaiting() != null).forEach(g -> b.append("  ").append(g.service())
                .append(": ").append(g.lagSum()).append(g.lagSum() == 1 ? " command waits" : " commands wait")
                .append(", the oldest for ").append(age(g.oldestWaiting())).append('\n'));
        groups.stream().filter(g -> g.oldestWaiting() == null).forEach(g -> g.lag().forEach((topic, l) -> {
            if (l.sum() > 0) {
                b.append("  ").append(g.service()).append(" behind on ").append(topic).append(": ").append(l.sum())
                        .append(l.sum() == 1 ? " record, " : " records, ").append(l.max())
                        .append(" on its worst partition\n");
            }
        }));
        b.append('\n');
        final Table sets = new Table("DATASET", "HOST", "LAST BACKUP", "AGE", "LEVEL", "SNAPSHOT", "RPO", "RUNNING",
                "VERDICT");
        datasets.forEach(d -> sets.row(d.id(), d.host(),
                d.lastBackup() == null ? "none in " + Durations.format(d.window())
                        : d.lastBackup().time().truncatedTo(ChronoUnit.SECONDS).toString(),
                d.lastBackup() == null ? "-" : age(d.lastBackup().time()),
                d.lastBackup() == null ? "-" : d.lastBackup().level(),
                d.lastBackup() == null || d.lastBackup().snapshot() == null ? "-" : shortId(d.lastBackup().snapshot()),
                Durations.format(d.rpo()),
                d.running() == null ? "-" : d.running().action() + " " + d.running().status().toLowerCase()
                        + " " + age(d.running().since()),
                d.verdict()));
        b.append(datasets.isEmpty() ? "no datasets registered ('vigil datasets add')\n" : sets.toString());
        datasets.stream().filter(d -> d.lastEvidence() != null).forEach(d -> b.append("  ").append(d.id())
                .append(": evidence of an incident ").append(age(d.lastEvidence().time())).append(" ago (")
                .append(d.lastEvidence().level()).append(' ').append(d.lastEvidence().snapshot() == null ? "-"
                        : shortId(d.lastEvidence().snapshot()))
                .append("): data suspected damaged, not a backup to restore; LAST BACKUP is the latest other\n"));
        datasets.stream().filter(d -> d.lastFailure() != null).forEach(d -> b.append("  ").append(d.id())
                .append(" last failed ").append(age(d.lastFailure().time())).append(" ago (")
                .append(d.lastFailure().action()).append(' ').append(d.lastFailure().status()).append("): ")
                .append(d.lastFailure().reason()).append('\n'));
        b.append('\n');
        if (proposals.isEmpty()) {
            b.append("no proposals await approval\n");
        } else {
            final Table table = new Table("PROPOSAL", "ACTION", "DATASET", "AGE", "EXPIRES IN", "ANSWER");
            proposals.forEach(p -> table.row(p.id(), p.action(), p.dataset(), age(p.time()),
                    Durations.format(Duration.between(time, p.expires()).truncatedTo(ChronoUnit.SECONDS)),
                    p.answer() == null ? "-" : p.answer().verdict() + " by " + p.answer().operator() + " "
                    + age(p.answer().time()) + " ago, not applied yet: the decision engine applies it when it runs"));
            b.append(table);
            // why, and what it would write: the operator decides on this, and may not have watched it come
            proposals.forEach(p -> b.append("  ").append(p.id()).append(": ").append(p.reason()).append('\n'));
            if (proposals.stream().anyMatch(p -> p.answer() == null)) {
                b.append("  answer with 'vigil approve ID' or 'vigil reject ID --reason TEXT'\n");
            }
        }
        b.append('\n').append(deadLetters.total()).append(deadLetters.total() == 1 ? " dead letter" : " dead letters")
                .append(" in the last ").append(Durations.format(deadLetters.since())).append('\n');
        if (deadLetters.total() > 0) {
            // the count first: reasons are long sentences, and a column after them would be off the screen
            final Table table = new Table("  COUNT", "BY SOURCE TOPIC");
            deadLetters.bySource().forEach((s, n) -> table.row("  " + n, s));
            table.row("  COUNT", "BY REASON");
            // the most frequent first, and a screen of them: --json has every one
            final List<Map.Entry<String, Long>> reasons = deadLetters.byReason().entrySet().stream()
                    .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).toList();
            reasons.stream().limit(REASONS_SHOWN).forEach(e -> {
                table.row("  " + e.getValue(), e.getKey());
                final String example = deadLetters.examples().get(e.getKey());
                if (example != null && !example.equals(e.getKey())) {
                    table.row("", "  e.g. " + example);
                }
            });
            if (reasons.size() > REASONS_SHOWN) {
                table.row("  " + reasons.stream().skip(REASONS_SHOWN).mapToLong(Map.Entry::getValue).sum(),
                        "(" + (reasons.size() - REASONS_SHOWN) + " other reasons: --json lists them)");
            }
            b.append(table);
        }
        return b.toString();
    }

    /** @return the same facts as one JSON document */
    String json() {
        final ObjectNode root = RecordJson.MAPPER.createObjectNode();
        root.put("verdict", attention().isEmpty() ? "OK" : "ATTENTION");
        final ArrayNode attention = root.putArray("attention");
        attention().forEach(attention::add);
        root.put("time", time.toString());
        root.put("bootstrapServers", bootstrap);
        final ObjectNode nodes = root.putObject("brokers").put("total", brokers.total());
        brokers.down().forEach(nodes.putArray("down")::add);
        final ArrayNode services = root.putArray("services");
        for (final Group g : groups) {
            final ObjectNode n = services.addObject().put("service", g.service()).put("group", g.group())
                    .put("state", g.state()).put("instances", g.instances());
            final ArrayNode hosts = n.putArray("hosts");
            g.hosts().forEach(hosts::add);
            final ObjectNode lag = n.putObject("lag");
            g.lag().forEach((t, l) -> lag.putObject(t).put("sum", l.sum()).put("maxPartition", l.max()));
            if (g.oldestWaiting() != null) {
                n.put("oldestWaiting", g.oldestWaiting().toString())
                        .put("oldestWaitingSeconds", ageSeconds(g.oldestWaiting()));
            }
            n.put("verdict", g.verdict());
        }
        final ArrayNode sets = root.putArray("datasets");
        for (final Dataset d : datasets) {
            final ObjectNode n = sets.addObject().put("id", d.id()).put("host", d.host())
                    .put("rpoSeconds", d.rpo().toSeconds()).put("windowSeconds", d.window().toSeconds());
            putBackup(n, "lastBackup", d.lastBackup());
            putBackup(n, "lastEvidence", d.lastEvidence());
            if (d.lastFailure() != null) {
                n.putObject("lastFailure").put("time", d.lastFailure().time().toString())
                        .put("action", d.lastFailure().action()).put("status", d.lastFailure().status())
                        .put("reason", d.lastFailure().reason());
            } else {
                n.putNull("lastFailure");
            }
            if (d.running() != null) {
                n.putObject("running").put("commandId", d.running().commandId()).put("action", d.running().action())
                        .put("since", d.running().since().toString()).put("status", d.running().status());
            } else {
                n.putNull("running");
            }
            n.put("pastRpo", PAST_RPO.equals(d.verdict())).put("verdict", d.verdict());
        }
        final ArrayNode pending = root.putArray("proposals");
        proposals.forEach(p -> pending.addObject().put("id", p.id()).put("action", p.action())
                .put("dataset", p.dataset()).put("host", p.host()).put("time", p.time().toString())
                .put("ageSeconds", ageSeconds(p.time())).put("expires", p.expires().toString())
                .put("reason", p.reason()).set("answer", p.answer() == null ? null : RecordJson.MAPPER.createObjectNode()
                        .put("verdict", p.answer().verdict()).put("operator", p.answer().operator())
                        .put("time", p.answer().time().toString())));
        final ObjectNode dead = root.putObject("deadLetters").put("sinceSeconds", deadLetters.since().toSeconds())
                .put("total", deadLetters.total());
        final ObjectNode reasons = dead.putObject("byReason");
        deadLetters.byReason().forEach(reasons::put);
        final ObjectNode examples = dead.putObject("examples");
        deadLetters.examples().forEach(examples::put);
        final ObjectNode sources = dead.putObject("bySourceTopic");
        deadLetters.bySource().forEach(sources::put);
        return root.toPrettyString();
    }

    /** Writes a backup (time, age, level, snapshot) as the field {@code name}, or null. */
    private void putBackup(final ObjectNode n, final String name, final Backup b) {
        if (b == null) {
            n.putNull(name);
            return;
        }
        n.putObject(name).put("time", b.time().toString()).put("ageSeconds", ageSeconds(b.time()))
                .put("level", b.level()).put("snapshot", b.snapshot());
    }

    private long ageSeconds(final Instant t) {
        return Duration.between(t, time).toSeconds();
    }

    private String age(final Instant t) {
        return Durations.format(Duration.ofSeconds(Math.max(0, ageSeconds(t))));
    }

    /** Snapshot ids are long hashes; their first 8 characters tell them apart, as restic prints them. */
    private static String shortId(final String id) {
        return id.length() > 8 ? id.substring(0, 8) : id;
    }
}
