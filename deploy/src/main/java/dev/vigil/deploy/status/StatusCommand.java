package dev.vigil.deploy.status;

import dev.vigil.backup.cli.JsonUsageErrors;
import dev.vigil.schemas.config.CommandConfig;
import dev.vigil.schemas.config.CommonConfig;
import dev.vigil.schemas.config.ConfigFile;
import dev.vigil.schemas.config.ServiceClusterOptions;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.common.KafkaException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code vigil status}: is Vigil healthy, in one screen, from Kafka alone. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Say whether Vigil is healthy, from Kafka alone and without writing anything: a verdict line,",
            "then the cluster's brokers (one down needs attention), the analyzer's and the decision engine's consumer groups (state, instances, hosts, lag per input",
            "topic: sum and worst partition; OK, LAGGING above lag.max.records on one partition, NO MEMBERS), each",
            "host's worker (its lag on its partition of the commands: it reads by assignment, so Kafka does not",
            "list it as a member; STALLED when a command has waited 5 minutes and the worker reported nothing as",
            "long, though it reports progress every few seconds while it works), each registered dataset (last successful backup, its age, level and snapshot,",
            "the last failure and why, the command running, PAST RPO, or FAILING when the latest outcome is a",
            "failure), the proposals awaiting approval, and the dead letters of the last --since by reason and by",
            "source topic.",
            "Settings come from --config (key=value: bootstrap.servers, topic.prefix, kafka.*,",
            "analyzer.application.id, decision.application.id, proposal.ttl, lag.max.records; see deploy/README.md),",
            "then --bootstrap-server and --topic-prefix override.",
            "Exit codes: 0 healthy, 1 something needs attention (the verdict line says what), 2 bad usage,",
            "3 configuration refused, 4 status unknown: the cluster could not be reached or read."})
public final class StatusCommand implements Callable<Integer> {
    /** Something needs attention. */
    static final int ATTENTION = 1;
    /** The cluster could not be reached or read: nothing can be said. */
    static final int UNKNOWN = 4;

    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE", description = "Settings file (key=value; default: none, every key "
            + "at its default).")
    Path config;

    @Option(names = CommandConfig.OPTION, paramLabel = "FILE", defaultValue = "${env:VIGIL_COMMAND_CONFIG}",
            description = "Kafka client settings (security.protocol, ssl.*, sasl.*...) in the clients' properties "
                    + "format, as every other command takes them (default: $VIGIL_COMMAND_CONFIG or none); "
                    + "they win over --config's kafka.* keys.")
    Path commandConfig;

    @Mixin
    ServiceClusterOptions cluster;

    @Option(names = "--since", paramLabel = "DURATION", defaultValue = "1h",
            description = "Count the dead letters of this long back, e.g. 30m, 1d (default: ${DEFAULT-VALUE}).")
    Duration since;

    @Option(names = "--json", description = "One JSON document with the same facts (and on failure "
            + "{\"error\": ..., \"exitCode\": N}).")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (since.isNegative() || since.isZero()) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--since must be positive");
        }
        final Map<String, Object> values = new LinkedHashMap<>();
        if (config != null) {
            values.putAll(ConfigFile.read(config, StatusConfig.CONFIG));
        }
        cluster.applyTo(values);
        if (commandConfig != null) {
            CommandConfig.client(commandConfig, "").forEach((key, value) -> {
                if (!"bootstrap.servers".equals(key)) {
                    values.put(CommonConfig.KAFKA_CLIENT_PREFIX + key, value);
                }
            });
        }
        final StatusConfig settings = new StatusConfig(values);
        final Report report;
        try {
            report = Status.read(settings, since, Clock.systemUTC());
        } catch (Status.MissingTopics e) {
            return unknown("vigil status: cannot tell: " + e.getMessage() + " on the cluster at "
                    + String.join(",", settings.getList(StatusConfig.BOOTSTRAP_SERVERS_CONFIG)) + " (topic.prefix '"
                    + settings.topicPrefix() + "'): a wrong prefix, or deleted? 'vigil topics create' makes them");
        } catch (KafkaException | dev.vigil.decision.DecisionException | IllegalStateException
                 | java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            final Throwable cause = e instanceof java.util.concurrent.ExecutionException && e.getCause() != null
                    ? e.getCause() : e;
            final String message = "vigil status: cannot tell: Kafka at "
                    + String.join(",", settings.getList(StatusConfig.BOOTSTRAP_SERVERS_CONFIG))
                    + " could not be read (" + (e instanceof java.util.concurrent.TimeoutException
                    ? "no answer within " + Status.TIMEOUT.toSeconds() + " s" : cause.getMessage())
                    + "); is it running and reachable? (see --bootstrap-server)";
            return unknown(message);
        }
        spec.commandLine().getOut().print(json ? report.json() + "\n" : report.text());
        spec.commandLine().getOut().flush();
        return report.attention().isEmpty() ? 0 : ATTENTION;
    }

    private int unknown(final String message) {
        spec.commandLine().getErr().println(message);
        if (json) {
            spec.commandLine().getOut().println(JsonUsageErrors.document(message, UNKNOWN));
            spec.commandLine().getOut().flush();
        }
        return UNKNOWN;
    }
}
