package dev.vigil.deploy.status;

import dev.vigil.analyzer.app.AnalyzerConfig;
import dev.vigil.backup.app.WorkerService;
import dev.vigil.decision.app.DecisionConfig;
import dev.vigil.schemas.Durations;
import dev.vigil.schemas.config.CommonConfig;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;

/** Settings of {@code vigil status}: where the cluster is, and what the services it checks are called. */
public final class StatusConfig extends CommonConfig {
    public static final String ANALYZER_APPLICATION_ID_CONFIG = "analyzer.application.id";
    public static final String DECISION_APPLICATION_ID_CONFIG = "decision.application.id";
    /** The engine's own key, with its type, default and doc: a proposal older than this has expired. */
    public static final String PROPOSAL_TTL_CONFIG = DecisionConfig.PROPOSAL_TTL_CONFIG;
    public static final String LAG_MAX_RECORDS_CONFIG = "lag.max.records";

    public static final ConfigDef CONFIG = CommonConfig.define()
            .define(ANALYZER_APPLICATION_ID_CONFIG, Type.STRING,
                    AnalyzerConfig.CONFIG.defaultValues().get(AnalyzerConfig.APPLICATION_ID_CONFIG),
                    new ConfigDef.NonEmptyString(), Importance.MEDIUM,
                    "The analyzer's application.id (its consumer group, after topic.prefix).")
            .define(DECISION_APPLICATION_ID_CONFIG, Type.STRING,
                    DecisionConfig.CONFIG.defaultValues().get(DecisionConfig.APPLICATION_ID_CONFIG),
                    new ConfigDef.NonEmptyString(), Importance.MEDIUM,
                    "The decision engine's application.id (its consumer group, after topic.prefix).")
            .define(DecisionConfig.CONFIG.configKeys().get(PROPOSAL_TTL_CONFIG))
            .define(LAG_MAX_RECORDS_CONFIG, Type.LONG, 1000L, ConfigDef.Range.atLeast(0), Importance.MEDIUM,
                    "A service whose lag on one partition of an input topic is above this many records is LAGGING.");

    /** @param values the settings, checked by {@link dev.vigil.schemas.config.ConfigFile} or given in code */
    public StatusConfig(final Map<?, ?> values) {
        super(CONFIG, values);
    }

    /** @return the analyzer's consumer group */
    public String analyzerGroup() {
        return topicPrefix() + getString(ANALYZER_APPLICATION_ID_CONFIG);
    }

    /** @return the decision engine's consumer group */
    public String decisionGroup() {
        return topicPrefix() + getString(DECISION_APPLICATION_ID_CONFIG);
    }

    /** @return the worker of a host's consumer group (it commits there, reading its partition by assignment) */
    public String workerGroup(final String host) {
        return WorkerService.groupId(topicPrefix(), host);
    }

    /** @return how long a proposal waits for its answer */
    public Duration proposalTtl() {
        return Durations.parse(getString(PROPOSAL_TTL_CONFIG));
    }

    /** @return the largest lag of one partition that is still OK, records */
    public long lagMax() {
        return getLong(LAG_MAX_RECORDS_CONFIG);
    }
}
