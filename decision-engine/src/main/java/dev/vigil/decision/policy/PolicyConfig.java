package dev.vigil.decision.policy;

import dev.vigil.schemas.Durations;
import dev.vigil.schemas.config.CommonConfig;
import dev.vigil.schemas.config.ConfigFile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * The policy file: defaults for new dataset specs ({@code vigil datasets add}) and the engine's
 * policy thresholds. Same {@code key=value} format as service configs, read with {@link
 * ConfigFile} (unknown keys and bad values refused with the line). Every key has a default, so
 * the file is optional.
 */
public final class PolicyConfig extends AbstractConfig {
    public static final String DATASET_RPO_CONFIG = "dataset.rpo";
    public static final String DATASET_FULL_EVERY_DAYS_CONFIG = "dataset.full.every.days";
    public static final String DATASET_VERIFY_EVERY_DAYS_CONFIG = "dataset.verify.every.days";
    public static final String DATASET_CRITICALITY_CONFIG = "dataset.criticality";
    public static final String DIFFERENTIAL_MAX_CHANGE_RATIO_CONFIG = "differential.max.change.ratio";
    public static final String FULL_CHANGE_RATIO_CONFIG = "full.change.ratio";
    public static final String MAX_CHAIN_LENGTH_CONFIG = "max.chain.length";
    public static final String RPO_LEAD_CONFIG = "rpo.lead";
    public static final String FORGET_EVERY_CONFIG = "forget.every";
    public static final String PRUNE_EVERY_CONFIG = "prune.every";
    public static final String CHANGE_RATE_WINDOW_CONFIG = "change.rate.window";
    public static final String ACTIVITY_HORIZON_CONFIG = "activity.horizon";

    /** The keys. */
    public static final ConfigDef CONFIG = new ConfigDef()
            .define(DATASET_RPO_CONFIG, Type.STRING, "24h", duration(), Importance.HIGH,
                    "Default RPO of a new dataset: the longest allowed time since its last successful backup.")
            .define(DATASET_FULL_EVERY_DAYS_CONFIG, Type.INT, 7, Range.between(1, 3650), Importance.MEDIUM,
                    "Default for a new dataset: a FULL at least this often, in days.")
            .define(DATASET_VERIFY_EVERY_DAYS_CONFIG, Type.INT, 7, Range.between(1, 3650), Importance.MEDIUM,
                    "Default for a new dataset: a VERIFY (restore test) at least this often, in days.")
            .define(DATASET_CRITICALITY_CONFIG, Type.STRING, "MEDIUM",
                    ConfigDef.ValidString.in("LOW", "MEDIUM", "HIGH", "CRITICAL"), Importance.MEDIUM,
                    "Default criticality of a new dataset.")
            .define(DIFFERENTIAL_MAX_CHANGE_RATIO_CONFIG, Type.DOUBLE, 0.1, Range.between(0.0, 1.0),
                    Importance.MEDIUM, "Back up as DIFFERENTIAL (parent: the last FULL) while the bytes changed since "
                            + "the last FULL stay under this fraction of its size, so each restore point is one step "
                            + "from a FULL; above it, INCREMENTAL (parent: the latest snapshot) reads less.")
            .define(FULL_CHANGE_RATIO_CONFIG, Type.DOUBLE, 0.5, Range.between(0.0, 10.0), Importance.MEDIUM,
                    "Take a FULL instead once this fraction of the last FULL's size has changed.")
            .define(MAX_CHAIN_LENGTH_CONFIG, Type.INT, 30, Range.between(1, 10_000), Importance.MEDIUM,
                    "Take a FULL once this many snapshots followed the last one.")
            .define(RPO_LEAD_CONFIG, Type.DOUBLE, 0.9, Range.between(0.1, 1.0), Importance.MEDIUM,
                    "Start the scheduled backup when this fraction of the RPO has passed, so it finishes in time.")
            .define(FORGET_EVERY_CONFIG, Type.STRING, "1d", duration(), Importance.LOW,
                    "Apply the dataset's retention (FORGET) this often.")
            .define(PRUNE_EVERY_CONFIG, Type.STRING, "7d", duration(), Importance.LOW,
                    "Reclaim space of forgotten snapshots (PRUNE) this often, after a FORGET.")
            .define(CHANGE_RATE_WINDOW_CONFIG, Type.STRING, "1h", duration(), Importance.LOW,
                    "Window of the change-rate figures rules see (state.window*).")
            .define(ACTIVITY_HORIZON_CONFIG, Type.STRING, "24h", horizon(), Importance.LOW,
                    "Horizon of the files created, deleted and rewritten with near-random content rules see "
                            + "(state.horizon*), counted by the hour, from 1h to 7d: a dataset that loses a few "
                            + "percent of its files an hour shows only over hours, as does ransomware that pauses "
                            + "between its batches.");

    /** @param values the settings */
    public PolicyConfig(final Map<?, ?> values) {
        super(CONFIG, values, false);
    }

    /**
     * @param file a policy file, or null for every default
     * @return the policy
     */
    public static PolicyConfig read(final Path file) {
        return new PolicyConfig(file == null ? Map.of() : ConfigFile.read(file, CONFIG));
    }

    /**
     * @param key a duration key
     * @return its value
     */
    public Duration duration(final String key) {
        return Durations.parse(getString(key));
    }

    /** @return the thresholds the baseline uses */
    public Policy policy() {
        return new Policy(getDouble(DIFFERENTIAL_MAX_CHANGE_RATIO_CONFIG), getDouble(FULL_CHANGE_RATIO_CONFIG),
                getInt(MAX_CHAIN_LENGTH_CONFIG), getDouble(RPO_LEAD_CONFIG), duration(FORGET_EVERY_CONFIG),
                duration(PRUNE_EVERY_CONFIG), duration(CHANGE_RATE_WINDOW_CONFIG),
                duration(ACTIVITY_HORIZON_CONFIG));
    }

    /** @return the default criticality of new datasets, upper case */
    public String datasetCriticality() {
        return getString(DATASET_CRITICALITY_CONFIG).toUpperCase(Locale.ROOT);
    }

    private static ConfigDef.Validator horizon() {
        return CommonConfig.validator("a duration from 1h to 7d, e.g. 24h", (name, value) -> {
            try {
                final Duration d = Durations.parse((String) value);
                if (d.compareTo(Duration.ofHours(1)) < 0 || d.compareTo(Duration.ofDays(7)) > 0) {
                    throw new ConfigException(name, value, "from 1h to 7d: the engine keeps a week of hours");
                }
            } catch (IllegalArgumentException e) {
                throw new ConfigException(name, value, e.getMessage());
            }
        });
    }

    private static ConfigDef.Validator duration() {
        return CommonConfig.validator("a duration, e.g. 90s, 15m, 1h30m, 7d", (name, value) -> {
            try {
                Durations.parse((String) value);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(name, value, e.getMessage());
            }
        });
    }
}
