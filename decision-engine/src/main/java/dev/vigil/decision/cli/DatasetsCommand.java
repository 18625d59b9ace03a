package dev.vigil.decision.cli;

import dev.vigil.decision.DecisionException;
import dev.vigil.decision.guard.MaintenanceWindow;
import dev.vigil.decision.policy.PolicyConfig;
import dev.vigil.schemas.Criticality;
import dev.vigil.schemas.DatasetSpec;
import dev.vigil.schemas.Durations;
import dev.vigil.schemas.Retention;
import dev.vigil.schemas.config.ClusterOptions;
import dev.vigil.schemas.json.RecordJson;
import dev.vigil.schemas.topic.Topics;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vigil datasets}: the registry of protected datasets (compacted topic vigil-datasets). */
@Command(name = "datasets", mixinStandardHelpOptions = true,
        description = "Register, list and remove protected datasets: the registry the decision engine and the "
                + "workers read (compacted topic vigil-datasets, keyed by dataset id).",
        subcommands = {DatasetsCommand.Add.class, DatasetsCommand.ListDatasets.class, DatasetsCommand.Remove.class})
public final class DatasetsCommand implements Runnable {
    @picocli.CommandLine.Spec
    private picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /**
     * @param cluster the cluster
     * @return every registered dataset, by id (tombstones applied)
     */
    static Map<String, DatasetSpec> registry(final ClusterOptions cluster) {
        return registry(cluster, new HashSet<>());
    }

    /** @param unreadable receives the ids whose records do not decode (skipped, with a warning) */
    private static Map<String, DatasetSpec> registry(final ClusterOptions cluster, final Set<String> unreadable) {
        return registry(cluster.client(), cluster.prefix(), unreadable);
    }

    /**
     * @param client cluster settings (bootstrap.servers and any client setting)
     * @param prefix topic prefix
     * @param unreadable receives the ids whose records do not decode (skipped, with a warning)
     * @return every registered dataset, by id (tombstones applied), the whole compacted registry read
     */
    public static Map<String, DatasetSpec> registry(final Map<String, Object> client, final String prefix,
                                                   final Set<String> unreadable) {
        final Map<String, DatasetSpec> specs = new TreeMap<>();
        unreadable.addAll(TopicReader.read(client, Topics.DATASETS.withPrefix(prefix), null, r -> {
            if (r.value() == null) {
                specs.remove(r.key());
            } else {
                specs.put(r.key(), r.value());
            }
        }));
        return specs;
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = {"Register a dataset, or replace the spec of one with the same id. Options not given take",
                "their default from --policy (a policy.file: decision-engine/README.md, 'Policy file'), else RPO 24h, FULL every 7 days, VERIFY every",
                "7 days, MEDIUM criticality, retention 7 last/24 hourly/7 daily/4 weekly/12 monthly/3 yearly.",
                "The decision engine orders its first FULL as soon as it sees a new dataset."})
    static final class Add implements Callable<Integer> {
        /** Ids name worker keys ({@code dataset.<id>.path}) and files: no spaces or slashes. */

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Mixin
        ClusterOptions cluster;

        @Parameters(index = "0", paramLabel = "ID", description = "Dataset id, unique in the deployment.")
        String id;

        @Option(names = "--path", required = true, description = "Absolute path of the directory tree.")
        String path;

        @Option(names = "--repository", required = true, description = "Repository location the worker backs up to.")
        String repository;

        @Option(names = "--host", description = "Host holding the dataset (default: this host's name, $HOSTNAME "
                + "when set).", defaultValue = "${env:HOSTNAME}")
        String host;

        @Option(names = "--criticality", description = "LOW, MEDIUM, HIGH or CRITICAL.")
        Criticality criticality;

        @Option(names = "--rpo", description = "Longest allowed time since the last successful backup, e.g. 4h.")
        String rpo;

        @Option(names = "--full-every-days", description = "A FULL at least this often, in days.")
        Integer fullEveryDays;

        @Option(names = "--verify-every-days", description = "A VERIFY (restore test) at least this often, in days.")
        Integer verifyEveryDays;

        @Option(names = "--keep", paramLabel = "RULE=N", description = "Retention, e.g. --keep last=10 --keep daily=14 "
                + "(last, hourly, daily, weekly, monthly, yearly).")
        Map<String, Integer> keep = new TreeMap<>();

        @Option(names = "--schedule", description = "Maintenance window(s) during which routine commands wait, e.g. "
                + "'Sat 02:00-04:00'.")
        String schedule;

        @Option(names = "--offsite-repository", description = "Where MIGRATE copies snapshots.")
        String offsite;

        @Option(names = "--auto-restore", description = "Restore onto the original location without approval.")
        boolean autoRestore;

        @Option(names = "--auto-migrate", description = "Migrate without approval.")
        boolean autoMigrate;

        @Option(names = "--tag", paramLabel = "KEY=VALUE", description = "Free-form tags, repeatable.")
        Map<String, String> tags = new TreeMap<>();

        @Option(names = "--policy", paramLabel = "FILE", description = "Policy file with the defaults.")
        Path policy;

        @Option(names = "--json", description = "Print the registered spec as JSON.")
        boolean json;

        @Override
        public Integer call() {
            final PolicyConfig defaults = PolicyConfig.read(policy);
            require(dev.vigil.schemas.Ids.isDatasetId(id), "ID '" + id + "': " + dev.vigil.schemas.Ids.DATASET_ID_RULE);
            require(path.startsWith("/"), "--path must be absolute, got '" + path + "'");
            require(repository.startsWith("/") || repository.contains("://"), "--repository must be absolute (the "
                    + "worker resolves it on its host), got '" + repository + "'");
            // UNKNOWN is the schema's default for records of older writers, not a level to choose
            require(criticality != Criticality.UNKNOWN, "--criticality must be LOW, MEDIUM, HIGH or CRITICAL, got "
                    + criticality);
            require(fullEveryDays == null || fullEveryDays >= 1, "--full-every-days must be at least 1");
            require(verifyEveryDays == null || verifyEveryDays >= 1, "--verify-every-days must be at least 1");
            try {
                MaintenanceWindow.parseAll(schedule);
            } catch (IllegalArgumentException e) {
                require(false, e.getMessage());
            }
            final Duration rpoValue;
            try {
                rpoValue = Durations.parse(rpo != null ? rpo : defaults.getString(PolicyConfig.DATASET_RPO_CONFIG));
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--rpo: " + e.getMessage());
            }
            require(rpoValue.toSeconds() >= 60, "--rpo must be at least 1m, got " + rpo);
            final Retention kept = retention();
            require(kept.getKeepLast() + kept.getKeepHourly() + kept.getKeepDaily() + kept.getKeepWeekly()
                    + kept.getKeepMonthly() + kept.getKeepYearly() > 0, "--keep: a retention that keeps nothing "
                    + "would forget every unprotected snapshot");
            final DatasetSpec spec = DatasetSpec.newBuilder()
                    .setId(id).setHost(host == null || host.isBlank() ? localHost() : host).setTime(Instant.now())
                    .setPath(path)
                    .setCriticality(criticality != null ? criticality : Criticality.valueOf(defaults.datasetCriticality()))
                    .setRpoSeconds(Math.max(1, rpoValue.toSeconds()))
                    .setFullEveryDays(fullEveryDays != null ? fullEveryDays
                            : defaults.getInt(PolicyConfig.DATASET_FULL_EVERY_DAYS_CONFIG))
                    .setVerifyEveryDays(verifyEveryDays != null ? verifyEveryDays
                            : defaults.getInt(PolicyConfig.DATASET_VERIFY_EVERY_DAYS_CONFIG))
                    .setRetention(kept)
                    .setSchedule(schedule).setRepository(repository).setOffsiteRepository(offsite)
                    .setAutoRestore(autoRestore).setAutoMigrate(autoMigrate).setTags(new TreeMap<>(tags))
                    .build();
            Publisher.send(cluster.client(), Topics.DATASETS.withPrefix(cluster.prefix()), id, spec);
            System.out.println(json ? RecordJson.write(spec) : "registered dataset " + id + " on host "
                    + spec.getHost() + ": " + spec.getPath() + " -> " + repository + ", RPO "
                    + Durations.format(rpoValue) + ", " + spec.getCriticality());
            return 0;
        }

        private void require(final boolean ok, final String message) {
            if (!ok) {
                throw new picocli.CommandLine.ParameterException(spec.commandLine(), message);
            }
        }

        private Retention retention() {
            final Retention.Builder r = Retention.newBuilder();
            for (final Map.Entry<String, Integer> e : keep.entrySet()) {
                require(e.getValue() >= 0, "--keep " + e.getKey() + "=" + e.getValue() + ": a count, at least 0");
                switch (e.getKey().toLowerCase(Locale.ROOT)) {
                    case "last" -> r.setKeepLast(e.getValue());
                    case "hourly" -> r.setKeepHourly(e.getValue());
                    case "daily" -> r.setKeepDaily(e.getValue());
                    case "weekly" -> r.setKeepWeekly(e.getValue());
                    case "monthly" -> r.setKeepMonthly(e.getValue());
                    case "yearly" -> r.setKeepYearly(e.getValue());
                    default -> throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--keep "
                            + e.getKey() + ": expected last, hourly, daily, weekly, monthly or yearly");
                }
            }
            return r.build();
        }

        private static String localHost() {
            try {
                return InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                return "localhost";
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the registered datasets.")
    static final class ListDatasets implements Callable<Integer> {
        @Mixin
        ClusterOptions cluster;

        @Option(names = "--json", description = "One JSON array of specs, for scripts.")
        boolean json;

        @Override
        public Integer call() {
            final Map<String, DatasetSpec> specs = registry(cluster);
            if (json) {
                final List<String> items = new ArrayList<>();
                specs.values().forEach(s -> items.add(RecordJson.write(s)));
                System.out.println("[" + String.join(",", items) + "]");
                return 0;
            }
            System.out.printf("%-20s %-16s %-9s %7s %5s %6s %-5s %s%n", "ID", "HOST", "CRITICAL", "RPO", "FULL",
                    "VERIFY", "AUTO", "PATH -> REPOSITORY");
            for (final DatasetSpec s : specs.values()) {
                System.out.printf("%-20s %-16s %-9s %7s %4dd %5dd %-5s %s -> %s%n", s.getId(), s.getHost(),
                        s.getCriticality(), Durations.format(Duration.ofSeconds(s.getRpoSeconds())),
                        s.getFullEveryDays(), s.getVerifyEveryDays(),
                        (s.getAutoRestore() ? "R" : "-") + (s.getAutoMigrate() ? "M" : "-"), s.getPath(),
                        s.getRepository());
            }
            if (specs.isEmpty()) {
                System.out.println("(no datasets; register one with 'vigil datasets add')");
            }
            return 0;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true,
            description = {"Remove a dataset from the registry (its snapshots stay in the repository). The decision",
                "engine stops scheduling it. Exit code 1 when no such dataset is registered."})
    static final class Remove implements Callable<Integer> {
        @Mixin
        ClusterOptions cluster;

        @Parameters(index = "0", paramLabel = "ID", description = "Dataset id.")
        String id;

        @Override
        public Integer call() {
            final Set<String> unreadable = new HashSet<>();
            // an id whose record does not decode can be removed too: that is how the operator gets rid of it
            if (!registry(cluster, unreadable).containsKey(id) && !unreadable.contains(id)) {
                throw new DecisionException("no dataset '" + id + "' is registered");
            }
            Publisher.send(cluster.client(), Topics.DATASETS.withPrefix(cluster.prefix()), id, null);
            System.out.println("removed dataset " + id + " from the registry");
            return 0;
        }
    }
}
