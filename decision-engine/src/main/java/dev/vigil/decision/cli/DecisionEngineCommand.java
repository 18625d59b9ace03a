package dev.vigil.decision.cli;

import dev.vigil.decision.app.DecisionConfig;
import dev.vigil.decision.app.DecisionService;
import dev.vigil.schemas.config.Foreground;
import dev.vigil.schemas.config.ServiceClusterOptions;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code vigil decision-engine}: runs the decision engine service until Ctrl-C. */
@Command(name = "decision-engine", mixinStandardHelpOptions = true,
        description = {
            "Run the decision engine until Ctrl-C: it reads anomalies, events, forecasts, statistics, results,",
            "the dataset registry and operator feedback, and publishes signed commands and the audit trail.",
            "Settings come from --config (key=value; every key is listed in decision-engine/README.md),",
            "then --bootstrap-server and --topic-prefix override. Without a rules.file the shipped default rules",
            "apply; the rule file is reloaded when it changes. Commands are signed with signing.key.file",
            "(default ~/.vigil/keys/decision-engine.key, written by 'vigil keys generate').",
            "Exit codes: " + dev.vigil.schemas.config.Foreground.STOPPED
                + ", 1 failed, 2 bad usage, 3 configuration or rule file refused."})
public final class DecisionEngineCommand implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE", description = "Configuration file (key=value; default: none, every "
            + "key at its default).")
    Path config;

    @Mixin
    ServiceClusterOptions cluster;

    @Override
    public Integer call() throws Exception {
        final Map<String, Object> values = new LinkedHashMap<>();
        if (config != null) {
            values.putAll(DecisionConfig.read(config));
        }
        cluster.applyTo(values);
        final DecisionService service;
        try {
            service = DecisionService.start(new DecisionConfig(values));
        } catch (dev.vigil.decision.rules.RuleFileException e) {
            // a missing or wrong rule file is configuration, as the help's exit codes say
            System.err.println("vigil decision-engine: rule file refused: " + e.getMessage());
            return 3;
        }
        System.out.println("decision engine running: rules " + service.rules().rules().version() + ", model "
                + service.model().version() + ". Ctrl-C stops it.");
        return Foreground.run("vigil decision-engine", service, () -> service.state().isRunningOrRebalancing(),
                () -> "Kafka Streams state " + service.state(), System.err);
    }
}
