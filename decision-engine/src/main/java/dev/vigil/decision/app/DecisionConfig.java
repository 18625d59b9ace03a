package dev.vigil.decision.app;

import dev.vigil.decision.command.CommandSigner;
import dev.vigil.decision.engine.EngineSettings;
import dev.vigil.decision.guard.GuardSettings;
import dev.vigil.decision.guard.MaintenanceWindow;
import dev.vigil.decision.policy.PolicyConfig;
import dev.vigil.schemas.Durations;
import dev.vigil.schemas.config.CommonConfig;
import dev.vigil.schemas.config.ConfigFile;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/** Settings of the decision engine service. Durations are written like {@code 90s}, {@code 10m}, {@code 6h}, {@code 7d}. */
public final class DecisionConfig extends CommonConfig {
    public static final String APPLICATION_ID_CONFIG = "application.id";
    public static final String STATE_DIR_CONFIG = "state.dir";
    public static final String SIGNING_KEY_FILE_CONFIG = "signing.key.file";
    public static final String RULES_FILE_CONFIG = "rules.file";
    public static final String RULES_RELOAD_INTERVAL_CONFIG = "rules.reload.interval";
    public static final String POLICY_FILE_CONFIG = "policy.file";
    public static final String TREE_EXAMPLES_FILE_CONFIG = "tree.examples.file";
    public static final String MODEL_KIND_CONFIG = "model.kind";
    public static final String TICK_INTERVAL_CONFIG = "tick.interval";
    public static final String GUARD_COOLDOWN_CONFIG = "guard.cooldown";
    public static final String GUARD_HOST_MAX_IN_FLIGHT_CONFIG = "guard.host.max.in.flight";
    public static final String GUARD_URGENT_PRIORITY_CONFIG = "guard.urgent.priority";
    public static final String GUARD_RETRY_BASE_CONFIG = "guard.retry.base";
    public static final String GUARD_RETRY_MAX_CONFIG = "guard.retry.max";
    public static final String GUARD_ESCALATE_AFTER_CONFIG = "guard.escalate.after";
    public static final String GUARD_MAINTENANCE_WINDOWS_CONFIG = "guard.maintenance.windows";
    public static final String GUARD_TIME_ZONE_CONFIG = "guard.time.zone";
    public static final String GUARD_TASK_MAX_BACKUPS_CONFIG = "guard.task.max.backups";
    public static final String GUARD_TASK_BACKUPS_WINDOW_CONFIG = "guard.task.backups.window";
    public static final String COMMAND_TTL_CONFIG = "command.ttl";
    public static final String COMMAND_SILENCE_MAX_CONFIG = "command.silence.max";
    public static final String PROPOSAL_TTL_CONFIG = "proposal.ttl";
    public static final String DEFERRAL_TTL_CONFIG = "deferral.ttl";
    public static final String AUDIT_SUPPRESSION_REPEAT_CONFIG = "audit.suppression.repeat";
    public static final String EPISODE_TTL_CONFIG = "episode.ttl";
    public static final String ANOMALY_QUIET_CONFIG = "anomaly.quiet";
    public static final String HOST_SILENCE_CONFIG = "host.silence";
    public static final String HOST_RESTARTS_CONFIG = "host.restarts";
    public static final String HOST_RESTARTS_WINDOW_CONFIG = "host.restarts.window";
    public static final String STARTUP_TIMEOUT_CONFIG = "startup.timeout";

    /** Every key. */
    public static final ConfigDef CONFIG = fixed(CommonConfig.define()
            .define(APPLICATION_ID_CONFIG, Type.STRING, "vigil-decision-engine", new ConfigDef.NonEmptyString(),
                    Importance.MEDIUM, "Kafka Streams application id (after topic.prefix): names the consumer group, "
                            + "the internal topics and the state directory.")
            .define(STATE_DIR_CONFIG, Type.STRING, System.getProperty("java.io.tmpdir") + "/vigil-decision-engine",
                    Importance.MEDIUM, "Directory of the local state stores (rebuilt from their changelogs if lost).")
            .define(SIGNING_KEY_FILE_CONFIG, Type.STRING, System.getProperty("user.home")
                    + "/.vigil/keys/decision-engine.key", new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "Ed25519 private key file that signs every command ('vigil keys generate' writes it there by "
                            + "default); its public key must be beside it as FILE.pub. To change it without refusals, the workers "
                            + "trust the new .pub before the engine signs with it (README, 'Rotating the signing key').")
            .define(RULES_FILE_CONFIG, Type.STRING, "", Importance.HIGH,
                    "Operator rule file (YAML + CEL); empty means the shipped default rules. Reloaded when it "
                            + "changes; a file that does not load is refused and the previous rules stay in force.")
            .define(RULES_RELOAD_INTERVAL_CONFIG, Type.STRING, "5s", duration(), Importance.LOW,
                    "How often the rule file is checked for changes.")
            .define(POLICY_FILE_CONFIG, Type.STRING, "", Importance.MEDIUM,
                    "Policy file (key=value thresholds, see PolicyConfig); empty means every default.")
            .define(TREE_EXAMPLES_FILE_CONFIG, Type.STRING, "", Importance.MEDIUM,
                    "Labelled examples CSV the model is trained on at start-up; empty means the shipped examples. "
                            + "'vigil decide train --out FILE' writes one that includes operator feedback.")
            .define(MODEL_KIND_CONFIG, Type.STRING, "auto", ConfigDef.ValidString.in("auto", "tree", "network"),
                    Importance.LOW, "Which model decides what no rule settles: 'auto' compares the CART tree and the "
                            + "MLP network by 3-fold cross-validation at start-up and lets the tree decide unless the "
                            + "network is clearly better (then the tree's path still comes with each explanation); "
                            + "'tree' or 'network' force one and skip the comparison (faster start).")
            .define(TICK_INTERVAL_CONFIG, Type.STRING, "30s", duration(), Importance.MEDIUM,
                    "How often the policy baseline, retries, deferrals and expiries run (wall clock).")
            .define(GUARD_COOLDOWN_CONFIG, Type.STRING, "10m", duration(), Importance.MEDIUM,
                    "Per dataset and lane: no routine command within this time of the last one; for backups at most "
                            + "half the dataset's RPO, so that the RPO can be met.")
            .define(GUARD_HOST_MAX_IN_FLIGHT_CONFIG, Type.INT, 2, Range.atLeast(1), Importance.MEDIUM,
                    "Most commands in flight per host.")
            .define(GUARD_URGENT_PRIORITY_CONFIG, Type.INT, 90, Range.between(1, 1001), Importance.MEDIUM,
                    "Intents at or above this priority pass cooldowns, backoff and maintenance windows.")
            .define(GUARD_RETRY_BASE_CONFIG, Type.STRING, "1m", duration(), Importance.MEDIUM,
                    "First retry delay after a failed command; doubles with each failure in a row.")
            .define(GUARD_RETRY_MAX_CONFIG, Type.STRING, "1h", duration(), Importance.LOW, "Longest retry delay. "
                    + "Also when a failure that retrying is unlikely to help (a missing path) is tried again, since "
                    + "its cause may be gone.")
            .define(GUARD_ESCALATE_AFTER_CONFIG, Type.INT, 3, Range.atLeast(1), Importance.MEDIUM,
                    "Failures in a row that raise an ESCALATED audit record.")
            .define(GUARD_MAINTENANCE_WINDOWS_CONFIG, Type.STRING, "", windows(), Importance.MEDIUM,
                    "Maintenance windows for every dataset, e.g. 'Sat 02:00-04:00; Mon-Fri 22:00-23:00': routine "
                            + "commands are held back inside them. A dataset's own schedule adds to these.")
            .define(GUARD_TIME_ZONE_CONFIG, Type.STRING, "UTC", zone(), Importance.LOW,
                    "Time zone of the maintenance windows.")
            .define(GUARD_TASK_MAX_BACKUPS_CONFIG, Type.INT, 40, Range.atLeast(0), Importance.MEDIUM,
                    "Most routine backups (the policy's schedule and retries, the model's) one engine task starts "
                            + "within guard.task.backups.window; those above wait in line, audited SUPPRESSED "
                            + "'deferred: N backups already started', and go in the order they were held as room frees. "
                            + "Urgent ones (priority at or above guard.urgent.priority), rules' (an evidence snapshot, "
                            + "a disk filling) and approved ones never wait, and count. A task holds a partition of the "
                            + "hosts: the fleet-wide bound is this times the partitions of the input topics. 0 no cap.")
            .define(GUARD_TASK_BACKUPS_WINDOW_CONFIG, Type.STRING, "10m", duration(), Importance.LOW,
                    "The window of guard.task.max.backups.")
            .define(COMMAND_TTL_CONFIG, Type.STRING, "6h", duration(), Importance.LOW,
                    "A command expires this long after it is issued (the worker refuses it after that); one the "
                            + "worker never accepted is written off as failed then, until a result the worker sends "
                            + "later corrects that. One the worker accepted stays in flight while it reports on it: "
                            + "see command.silence.max.")
            .define(COMMAND_SILENCE_MAX_CONFIG, Type.STRING, "1h", duration(), Importance.LOW,
                    "A command the worker accepted (a FULL or a restore of a large dataset may run for many hours) "
                            + "is written off as failed only once it has expired (command.ttl) and the worker has sent "
                            + "nothing about it (PROGRESS every worker.progress.interval.ms, at most 10 min, or a result) "
                            + "for this long, counted from the engine's own start at the earliest.")
            .define(PROPOSAL_TTL_CONFIG, Type.STRING, "24h", duration(), Importance.MEDIUM,
                    "A proposal unanswered for this long is dropped (audited).")
            .define(DEFERRAL_TTL_CONFIG, Type.STRING, "1h", duration(), Importance.LOW,
                    "A rule or tree intent held back by a transient guardrail is retried on each tick this long.")
            .define(AUDIT_SUPPRESSION_REPEAT_CONFIG, Type.STRING, "1h", duration(), Importance.LOW,
                    "The same suppression of the same dataset is audited again only after this time.")
            .define(EPISODE_TTL_CONFIG, Type.STRING, "6h", duration(), Importance.LOW,
                    "An anomaly episode without a step for this long is taken as closed.")
            .define(ANOMALY_QUIET_CONFIG, Type.STRING, "1h", duration(), Importance.LOW,
                    "A new anomaly episode of a series decided on before is decided on again only when its score "
                            + "is clearly higher (by 0.1) or the series had no anomaly for this long, so that a "
                            + "flapping series counts as one incident.")
            .define(HOST_SILENCE_CONFIG, Type.STRING, "15m", durationOrNever(), Importance.MEDIUM,
                    "A host with datasets whose collector sent telemetry before (file activity every interval, "
                            + "metrics) and nothing for this long is escalated, once per silence, and said when heard "
                            + "again: a dead host or agent otherwise shows only once its datasets are past their RPO, and "
                            + "meanwhile no rule sees its files. Likewise a dataset whose file activity stops for "
                            + "this long (and three of its intervals) while its host still sends telemetry "
                            + "(activity-silence: its collector no longer watches it). 0s never.")
            .define(HOST_RESTARTS_CONFIG, Type.INT, EngineSettings.HOST_RESTARTS, Range.atLeast(0), Importance.MEDIUM,
                    "A host whose collector starts (agent.start) this often within host.restarts.window is escalated "
                            + "as a restart loop (a crash or watchdog loop, a boot that fails after a patch), once per "
                            + "loop, and said over once it stays up for host.restarts.window. 0 never.")
            .define(HOST_RESTARTS_WINDOW_CONFIG, Type.STRING, "1h", duration(), Importance.LOW,
                    "The window of host.restarts, by the host's clock.")
            .define(STARTUP_TIMEOUT_CONFIG, Type.STRING, "60s", duration(), Importance.LOW,
                    "How long start-up waits for the Kafka cluster to answer, then for Kafka Streams to be RUNNING. "
                            + "A cluster that does not answer within a second is logged at WARN with bootstrap.servers; "
                            + "one that does not answer within this time fails the start (exit code 1)."));

    /** The Kafka Streams settings the engine sets itself: their kafka.* form is refused, naming the key to set. */
    private static ConfigDef fixed(final ConfigDef definition) {
        CommonConfig.fixedClientKey(definition, "processing.guarantee", "the engine always runs exactly_once_v2");
        CommonConfig.fixedClientKey(definition, "application.id", "set " + APPLICATION_ID_CONFIG
                + " (the topic prefix is put in front of it)");
        CommonConfig.fixedClientKey(definition, "state.dir", "set " + STATE_DIR_CONFIG);
        return definition;
    }

    /** @param values the settings, from {@code ConfigFile.read} or code */
    public DecisionConfig(final Map<?, ?> values) {
        super(CONFIG, values);
        if (duration(GUARD_RETRY_BASE_CONFIG).compareTo(duration(GUARD_RETRY_MAX_CONFIG)) > 0) {
            throw new ConfigException(GUARD_RETRY_BASE_CONFIG + " (" + getString(GUARD_RETRY_BASE_CONFIG)
                    + ") is longer than " + GUARD_RETRY_MAX_CONFIG + " (" + getString(GUARD_RETRY_MAX_CONFIG)
                    + "): the first retry would wait longer than the longest");
        }
    }

    /**
     * Reads a configuration file and opens its signing key, so that a key that cannot sign (missing, unreadable, not a
     * private key, open to other users, beside another pair's .pub) is refused with the file's line, with the other
     * errors, as every wrong value is: the engine cannot run without it.
     *
     * @param file the configuration file
     * @return its settings
     * @throws ConfigException naming the file, line and key of every wrong line
     */
    public static Map<String, String> read(final Path file) {
        return ConfigFile.read(file, CONFIG, values -> new DecisionConfig(values).signingKey(CommandSigner::read));
    }

    /**
     * @return the signer of {@value #SIGNING_KEY_FILE_CONFIG}
     * @throws ConfigException naming the key, the file and what is wrong with it
     */
    public CommandSigner signer() {
        return signingKey(CommandSigner::open);
    }

    private CommandSigner signingKey(final Function<Path, CommandSigner> open) {
        try {
            return open.apply(Path.of(getString(SIGNING_KEY_FILE_CONFIG)));
        } catch (ConfigException e) {
            // the key's name lets ConfigFile give the line, and says which setting to fix when there is no file
            throw new ConfigException(SIGNING_KEY_FILE_CONFIG + ": " + e.getMessage());
        }
    }

    /**
     * @param key a duration key
     * @return its value
     */
    public Duration duration(final String key) {
        return Durations.parse(getString(key));
    }

    /**
     * @param key a file key
     * @return the path, or null when empty
     */
    public Path path(final String key) {
        final String value = getString(key);
        return value == null || value.isBlank() ? null : Path.of(value);
    }

    /** @return the engine settings, the policy file read */
    public EngineSettings engineSettings() {
        final GuardSettings guard = new GuardSettings(duration(GUARD_COOLDOWN_CONFIG),
                getInt(GUARD_HOST_MAX_IN_FLIGHT_CONFIG), getInt(GUARD_URGENT_PRIORITY_CONFIG),
                duration(GUARD_RETRY_BASE_CONFIG), duration(GUARD_RETRY_MAX_CONFIG), getInt(GUARD_ESCALATE_AFTER_CONFIG),
                MaintenanceWindow.parseAll(getString(GUARD_MAINTENANCE_WINDOWS_CONFIG)),
                ZoneId.of(getString(GUARD_TIME_ZONE_CONFIG)), duration(COMMAND_TTL_CONFIG),
                duration(COMMAND_SILENCE_MAX_CONFIG), duration(PROPOSAL_TTL_CONFIG), duration(DEFERRAL_TTL_CONFIG),
                duration(AUDIT_SUPPRESSION_REPEAT_CONFIG),
                getInt(GUARD_TASK_MAX_BACKUPS_CONFIG), duration(GUARD_TASK_BACKUPS_WINDOW_CONFIG));
        return new EngineSettings(PolicyConfig.read(path(POLICY_FILE_CONFIG)).policy(), guard,
                duration(EPISODE_TTL_CONFIG), 0.1, 50, duration(ANOMALY_QUIET_CONFIG), duration(HOST_SILENCE_CONFIG),
                getInt(HOST_RESTARTS_CONFIG), duration(HOST_RESTARTS_WINDOW_CONFIG));
    }

    /** Prints the keys as HTML, for the docs. @param args ignored */
    public static void main(final String[] args) {
        System.out.println(CONFIG.toHtml());
    }

    private static ConfigDef.Validator duration() {
        return CommonConfig.validator("a duration longer than 0s, e.g. 90s, 15m, 1h30m, 7d", (name, value) -> {
            try {
                if (Durations.parse((String) value).isZero()) {
                    throw new ConfigException(name, value, "must be longer than 0s");
                }
            } catch (IllegalArgumentException e) {
                throw new ConfigException(name, value, e.getMessage());
            }
        });
    }

    private static ConfigDef.Validator durationOrNever() {
        return CommonConfig.validator("a duration, e.g. 90s, 15m, 1h30m; 0s for never", (name, value) -> {
            try {
                Durations.parse((String) value);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(name, value, e.getMessage());
            }
        });
    }

    private static ConfigDef.Validator windows() {
        return CommonConfig.validator("maintenance windows, e.g. Sat,Sun 02:00-06:00; Mon-Fri 22:00-02:00", (name, value) -> {
            try {
                MaintenanceWindow.parseAll((String) value);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(name, value, e.getMessage());
            }
        });
    }

    private static ConfigDef.Validator zone() {
        return CommonConfig.validator("a time zone, e.g. UTC or Europe/Paris", (name, value) -> {
            try {
                ZoneId.of((String) value);
            } catch (java.time.DateTimeException e) {
                throw new ConfigException(name, value, "not a time zone (e.g. UTC, Europe/Paris)");
            }
        });
    }
}
