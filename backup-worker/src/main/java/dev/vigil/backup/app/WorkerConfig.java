package dev.vigil.backup.app;

import dev.vigil.backup.archiver.Excludes;
import dev.vigil.backup.crypto.PasswordFiles;
import dev.vigil.schemas.config.CommonConfig;
import dev.vigil.schemas.config.ConfigFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * The backup worker's settings. Besides the common keys, {@code worker.*} keys and, for each id in
 * {@code worker.datasets}, the keys {@code dataset.<id>.path}, {@code .repository}, {@code
 * .password.file} (required) and the optional ones below. The datasets a worker serves come only
 * from here, never from the topic.
 */
public final class WorkerConfig extends CommonConfig {
    public static final String DATASETS_CONFIG = "worker.datasets";
    private static final String DATASETS_DOC = "Ids of the datasets this worker serves; each needs dataset.<id>.path, "
            + "dataset.<id>.repository and dataset.<id>.password.file.";
    public static final String STATE_DIR_CONFIG = "worker.state.dir";
    private static final String STATE_DIR_DOC = "Directory of the worker's command ledger (which command ids it took "
            + "on and finished); must survive restarts.";
    public static final String PUBLIC_KEY_CONFIG = "worker.command.public.key.file";
    private static final String PUBLIC_KEY_DOC = "Ed25519 public key file(s) of the decision engine, comma-separated: "
            + "commands without a valid signature by one of them are refused. The key id a command carries picks the "
            + "key; one whose key is not listed (removed: retired or revoked) is refused naming its key id. The list "
            + "is read at start; each file is read again when it changes (checked at each command and every 2 s), so "
            + "that a key is added, replaced or revoked without a restart (README, 'Rotating the signing key'): two "
            + "files, one of them '" + TrustedKeys.NO_KEY + "' (a slot for the next key) but while the key is "
            + "rotated. A changed file a start would refuse (deleted, not a public key, writable by every user...) "
            + "gives no key from then on, with an ERROR, and the others keep theirs: deleting a leaked key's file "
            + "revokes it. With no key left, every command goes to the dead-letter topic until a file is fixed. At "
            + "start every file must pass. A file every user may write is refused: any of them could put their own "
            + "key there.";
    public static final String ALLOWED_ROOTS_CONFIG = "worker.restore.allowed.roots";
    private static final String ALLOWED_ROOTS_DOC = "Directories restores may write into (besides a dataset's own path, "
            + "which needs overwrite=true). Targets are checked after resolving symlinks.";
    public static final String MAX_AGE_CONFIG = "worker.command.max.age.ms";
    private static final String MAX_AGE_DOC = "Commands issued longer ago than this are rejected as expired, in ms; it "
            + "also bounds how long a replayed command could be accepted.";
    public static final String PROGRESS_CONFIG = "worker.progress.interval.ms";
    private static final String PROGRESS_DOC = "How often long commands publish a PROGRESS result, in ms.";
    public static final String THREADS_CONFIG = "worker.threads";
    private static final String THREADS_DOC = "Threads for backup and restore; 0 means one per core.";
    public static final String VERIFY_SHARE_CONFIG = "worker.verify.read.share";
    private static final String VERIFY_SHARE_DOC = "Share of packs a VERIFY reads and authenticates in full, in [0, 1]: "
            + "round(share x packs) of them, at least one, chosen at random.";
    public static final String FSYNC_CONFIG = "worker.fsync";
    private static final String FSYNC_DOC = "Force repository files to disk before they are renamed "
            + "into place, and their directory after: a file and its name are durable before any file that names it "
            + "is written (packs before their index, the index before the snapshot).";

    public static final String STARTUP_TIMEOUT_CONFIG = "worker.startup.timeout.ms";
    private static final String STARTUP_TIMEOUT_DOC = "How long start-up waits for the Kafka cluster to answer (its "
            + "commands partition, its committed offset), in ms; 0 waits without end, saying what it waits for and "
            + "since when in a WARN every minute. A cluster that answers that the commands topic does not exist, or "
            + "that refuses the worker (authorization), fails the start at once (exit code 1), as does this bound.";

    public static final String JOURNAL_EVENTS_CONFIG = "worker.journal.events";
    private static final String JOURNAL_EVENTS_DOC = "Keep the collector's file.activity events of this host's datasets "
            + "(from vigil-events) as a change journal in worker.state.dir/journal, so that an INCREMENTAL backup reads "
            + "only the paths they name when they provably cover every change since its parent; otherwise it scans. "
            + "dataset.<id>.journal.file, when set, is used instead.";
    public static final String JOURNAL_WAIT_CONFIG = "worker.journal.wait.ms";
    private static final String JOURNAL_WAIT_DOC = "How long, in ms, an INCREMENTAL backup waits for the journal to "
            + "reach the moment its command began (the collector closes an interval every files.interval.ms, so "
            + "keep this above that); when it does not, the backup scans. When no interval of the dataset ended in "
            + "that long before the command began (no collector delivering), it scans at once.";
    public static final String JOURNAL_MAX_INTERVALS_CONFIG = "worker.journal.max.intervals";
    private static final String JOURNAL_MAX_INTERVALS_DOC = "Most intervals kept per dataset between two backups "
            + "(the oldest go first; a backup whose parent is older then scans).";

    /** The dataset key of the loss guard (a DOUBLE; the others are STRING, or INT for keep.*). */
    public static final String LOSS_RATIO_KEY = "loss.protect.ratio";
    /** Keys of one dataset, after the {@code dataset.<id>.} prefix, with their docs. */
    static final Map<String, String> DATASET_KEYS = new LinkedHashMap<>();
    static {
        DATASET_KEYS.put("path", "Absolute path of the dataset's directory tree.");
        DATASET_KEYS.put("repository", "Repository directory its backups go to (created on first backup).");
        DATASET_KEYS.put("password.file", "File whose first line is the repository password; one every user of the "
                + "host may read or write is refused (chmod 600), as ssh refuses such a private key.");
        DATASET_KEYS.put("journal.file", "Optional change journal file (FileActivity JSON lines, as 'vigil collector "
                + "journal' writes) used instead of the events from Kafka.");
        DATASET_KEYS.put("exclude.file", "Optional file of patterns its backups leave out, one per line ('#' starts a "
                + "comment), as .gitignore reads them: without '/' a pattern matches a name at any depth (*.tmp, "
                + "node_modules), with '/' the path from the dataset root (logs/*.gz); a '/' at the end matches "
                + "directories only. Read when the worker starts.");
        DATASET_KEYS.put("exclude.if.present", "Optional comma-separated markers: a directory holding a file of this "
                + "name (NAME), or one starting with HEADER (NAME:HEADER), is left out; "
                + Excludes.CACHES + " leaves out cache directories.");
        DATASET_KEYS.put("offsite.repository", "Optional repository MIGRATE copies snapshots to.");
        DATASET_KEYS.put("offsite.password.file", "Password file of the off-site repository; one every user of the "
                + "host may read or write is refused, as password.file.");
        DATASET_KEYS.put(LOSS_RATIO_KEY, "A backup that lost more than this share of the files, or of the bytes, of "
                + "the dataset's last snapshot (an unmounted or emptied dataset, a truncation, a clean-up) marks that "
                + "snapshot protected, so that no retention forgets it, and says so in its result, which the decision "
                + "engine escalates; and a backup of an empty dataset directory whose last snapshot has files is "
                + "refused ('vigil repo backup --allow-empty' takes it by hand). In [0, 1]; 0 turns both off (a spool "
                + "that empties by design), 1 only the protection.");
        DATASET_KEYS.put("keep.last", "FORGET keeps the newest N snapshots (default 7). The keep.* keys apply to a "
                + "FORGET command that carries no retention; the decision engine's carry the dataset's own (vigil "
                + "datasets add --keep).");
        DATASET_KEYS.put("keep.hourly", "FORGET keeps the newest of each of the last N hours (default 0).");
        DATASET_KEYS.put("keep.daily", "FORGET keeps the newest of each of the last N days (default 7).");
        DATASET_KEYS.put("keep.weekly", "FORGET keeps the newest of each of the last N weeks (default 4).");
        DATASET_KEYS.put("keep.monthly", "FORGET keeps the newest of each of the last N months (default 12).");
        DATASET_KEYS.put("keep.yearly", "FORGET keeps the newest of each of the last N years (default 0).");
    }

    /** The fixed keys; per-dataset keys are added by {@link #definition(List)}. */
    public static final ConfigDef CONFIG = definition(List.of());

    /**
     * @param datasets dataset ids
     * @return the definition with every key of those datasets
     */
    public static ConfigDef definition(final List<String> datasets) {
        final ConfigDef def = CommonConfig.define()
                .define(DATASETS_CONFIG, Type.LIST, List.of(), Importance.HIGH, DATASETS_DOC)
                .define(STATE_DIR_CONFIG, Type.STRING, System.getProperty("user.home") + "/.vigil/worker",
                        new ConfigDef.NonEmptyString(), Importance.HIGH, STATE_DIR_DOC)
                .define(PUBLIC_KEY_CONFIG, Type.LIST, ConfigDef.NO_DEFAULT_VALUE,
                        ConfigDef.ValidList.anyNonDuplicateValues(false, false), Importance.HIGH, PUBLIC_KEY_DOC)
                .define(ALLOWED_ROOTS_CONFIG, Type.LIST, List.of(), Importance.HIGH, ALLOWED_ROOTS_DOC)
                .define(MAX_AGE_CONFIG, Type.LONG, 24 * 3600_000L, ConfigDef.Range.atLeast(1000), Importance.MEDIUM,
                        MAX_AGE_DOC)
                .define(PROGRESS_CONFIG, Type.LONG, 5000L, ConfigDef.Range.between(100, 600_000), Importance.LOW,
                        PROGRESS_DOC)
                .define(THREADS_CONFIG, Type.INT, 0, ConfigDef.Range.between(0, 256), Importance.LOW, THREADS_DOC)
                .define(VERIFY_SHARE_CONFIG, Type.DOUBLE, 0.1, ConfigDef.Range.between(0.0, 1.0), Importance.LOW,
                        VERIFY_SHARE_DOC)
                .define(FSYNC_CONFIG, Type.BOOLEAN, true, Importance.LOW, FSYNC_DOC)
                .define(STARTUP_TIMEOUT_CONFIG, Type.LONG, 0L, ConfigDef.Range.atLeast(0), Importance.LOW,
                        STARTUP_TIMEOUT_DOC)
                .define(JOURNAL_EVENTS_CONFIG, Type.BOOLEAN, true, Importance.MEDIUM, JOURNAL_EVENTS_DOC)
                .define(JOURNAL_WAIT_CONFIG, Type.LONG, 15_000L, ConfigDef.Range.atLeast(0), Importance.LOW,
                        JOURNAL_WAIT_DOC)
                .define(JOURNAL_MAX_INTERVALS_CONFIG, Type.INT, 100_000, ConfigDef.Range.atLeast(10), Importance.LOW,
                        JOURNAL_MAX_INTERVALS_DOC);
        for (final String id : datasets) {
            for (final Map.Entry<String, String> k : DATASET_KEYS.entrySet()) {
                final boolean required = List.of("path", "repository", "password.file").contains(k.getKey());
                final boolean count = k.getKey().startsWith("keep.");
                if (LOSS_RATIO_KEY.equals(k.getKey())) {
                    def.define("dataset." + id + "." + k.getKey(), Type.DOUBLE,
                            dev.vigil.backup.archiver.ArchiveOptions.DEFAULT_LOSS_RATIO, ConfigDef.Range.between(0.0,
                                    1.0), Importance.MEDIUM, k.getValue());
                    continue;
                }
                def.define("dataset." + id + "." + k.getKey(), count ? Type.INT : Type.STRING,
                        required ? ConfigDef.NO_DEFAULT_VALUE : count ? defaultKeep(k.getKey()) : "",
                        count ? ConfigDef.Range.atLeast(0) : null, Importance.HIGH, k.getValue());
            }
        }
        // The worker's consumer group is its host's, its offsets are committed with its ledger, and it reads only
        // committed commands: the kafka.* form of these would be overridden, or break exactly-once execution.
        CommonConfig.fixedClientKey(def, "group.id", "the worker's group is vigil-worker-<host.name>");
        CommonConfig.fixedClientKey(def, "enable.auto.commit", "the worker commits an offset once a command is done");
        CommonConfig.fixedClientKey(def, "isolation.level", "the worker reads committed records only");
        CommonConfig.fixedClientKey(def, "acks", "results are written with acks=all");
        CommonConfig.fixedClientKey(def, "enable.idempotence", "results are written idempotently");
        return def;
    }

    private static int defaultKeep(final String key) {
        return switch (key) {
            case "keep.weekly" -> 4;
            case "keep.monthly" -> 12;
            case "keep.hourly", "keep.yearly" -> 0;
            default -> 7;
        };
    }

    /** Each dataset's exclude patterns, read once. */
    private final Map<String, Excludes> excludes = new java.util.HashMap<>();

    /**
     * @param values settings
     */
    public WorkerConfig(final Map<?, ?> values) {
        super(definition(datasetIds(values)), values);
        for (final String id : datasetIds()) {
            // a service's paths do not depend on the directory it happens to be started from
            for (final String key : List.of("path", "repository", "password.file", "journal.file", "exclude.file",
                    "offsite.repository", "offsite.password.file")) {
                if (!dataset(id, key).isEmpty() && !Path.of(dataset(id, key)).isAbsolute()) {
                    throw new ConfigException("dataset." + id + "." + key + " must be an absolute path, was "
                            + dataset(id, key));
                }
            }
            if (!Files.isReadable(Path.of(dataset(id, "password.file")))) {
                throw new ConfigException("dataset." + id + ".password.file: cannot read " + dataset(id, "password.file"));
            }
            for (final String key : List.of("password.file", "offsite.password.file")) {
                if (!dataset(id, key).isEmpty()) {
                    PasswordFiles.openToOthers(Path.of(dataset(id, key))).ifPresent(why -> {
                        throw new ConfigException("dataset." + id + "." + key + ": " + why);
                    });
                }
            }
            excludes.put(id, excludesOf(id));
        }
    }

    private Excludes excludesOf(final String id) {
        final String key = "dataset." + id + ".exclude.";
        final String file = dataset(id, "exclude.file");
        final String given = dataset(id, "exclude.if.present");
        final List<String> markers = given.isBlank() ? List.of()
                : Arrays.stream(given.split(",")).map(String::strip).toList();
        try {
            Excludes.of(List.of(), markers);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key + "if.present: " + e.getMessage());
        }
        try {
            final Excludes e = Excludes.of(file.isEmpty() ? List.of() : Excludes.read(Path.of(file)), markers);
            // refused now, not at each backup, when a pattern would leave out the whole dataset
            e.forRoot(Path.of(getString("dataset." + id + ".path")));
            return e;
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key + "file: " + e.getMessage());
        }
    }

    /**
     * @param id a dataset id
     * @return the paths its backups leave out
     */
    public Excludes excludes(final String id) {
        return excludes.getOrDefault(id, Excludes.NONE);
    }

    private static List<String> datasetIds(final Map<?, ?> values) {
        final Object v = values.get(DATASETS_CONFIG);
        if (v == null) {
            return List.of();
        }
        final List<String> out = new ArrayList<>();
        for (final Object o : v instanceof List<?> l ? l : List.of(v.toString().split(","))) {
            final String id = o.toString().strip();
            if (id.isEmpty()) {
                continue;
            }
            if (out.contains(id)) {
                throw new ConfigException(DATASETS_CONFIG + " names " + id + " twice");
            }
            out.add(id);
        }
        return out;
    }

    /**
     * Reads a file in two passes: the dataset ids first, then every key checked against them, and the public key files
     * read ({@link #trustedKeys()}).
     *
     * @param file the config file
     * @return the config
     * @throws ConfigException naming the file and line of what is wrong
     */
    public static WorkerConfig read(final Path file) {
        final Map<String, String> ids = new LinkedHashMap<>();
        try {
            for (final String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                final String l = line.strip();
                if (l.startsWith(DATASETS_CONFIG) && l.substring(DATASETS_CONFIG.length()).strip().startsWith("=")) {
                    ids.put(DATASETS_CONFIG, l.substring(l.indexOf('=') + 1).strip());
                }
            }
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new ConfigException(file + ": not UTF-8 text");
        } catch (java.io.IOException e) {
            throw new ConfigException(file + ": cannot read: " + dev.vigil.schemas.IoErrors.reason(e));
        }
        // the key files are read here too, so that a wrong one is refused with its line, with the other errors
        return new WorkerConfig(ConfigFile.read(file, definition(datasetIds(ids)),
                values -> new WorkerConfig(values).trustedKeys()));
    }

    /**
     * Reads the public keys of {@value #PUBLIC_KEY_CONFIG}, each checked as it is read ({@link TrustedKeys#read}: a
     * missing or unreadable file, one that is neither a public key nor {@value TrustedKeys#NO_KEY}, a private key, one
     * every user may write, the same key twice, no key at all).
     *
     * @return the keys by key id, in the order the files are listed
     * @throws ConfigException naming the key and each file that cannot be trusted
     */
    public Map<String, PublicKey> trustedKeys() {
        return TrustedKeys.read(getList(PUBLIC_KEY_CONFIG));
    }

    /** @return the datasets served */
    public List<String> datasetIds() {
        return getList(DATASETS_CONFIG);
    }

    /**
     * @param id a dataset id
     * @param key a key after {@code dataset.<id>.}
     * @return its value; "" for an unset optional string
     */
    public String dataset(final String id, final String key) {
        return getString("dataset." + id + "." + key);
    }

    /**
     * @param id a dataset id
     * @param key a {@code keep.*} key
     * @return its count
     */
    public int keep(final String id, final String key) {
        return getInt("dataset." + id + "." + key);
    }

    /**
     * @param id a dataset id
     * @return its {@link #LOSS_RATIO_KEY}, in [0, 1]
     */
    public double lossRatio(final String id) {
        return getDouble("dataset." + id + "." + LOSS_RATIO_KEY);
    }

    /** @param args ignored; prints the reference of every key as HTML */
    public static void main(final String[] args) {
        System.out.println(CONFIG.toHtml());
    }
}
