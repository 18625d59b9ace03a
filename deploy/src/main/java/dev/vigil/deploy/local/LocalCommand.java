package dev.vigil.deploy.local;

import dev.vigil.analyzer.app.AnalyzerConfig;
import dev.vigil.backup.app.WorkerConfig;
import dev.vigil.collector.app.CollectorConfig;
import dev.vigil.decision.app.DecisionConfig;
import dev.vigil.deploy.PrivateFiles;
import dev.vigil.schemas.Criticality;
import dev.vigil.schemas.DatasetSpec;
import dev.vigil.schemas.config.CommonConfig;
import dev.vigil.schemas.config.ConfigFile;
import dev.vigil.schemas.security.CommandSignature;
import dev.vigil.schemas.topic.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vigil local}: the broker and all four services in this process until Ctrl-C. */
@Command(name = "local", mixinStandardHelpOptions = true,
        description = {
            "Run a Kafka broker and all four services in this process until Ctrl-C: Vigil on",
            "one machine. Everything lives under --dir: the broker's data, one configuration",
            "file per service (written with defaults on first start, then yours to edit),",
            "the command signing keys, service state and backup repositories.",
            "Protect a directory with --protect ID=PATH: the worker serves it, the collector",
            "watches it, and it is registered as a dataset (its first FULL backup follows).",
            "The worker's file remembers it, so later starts serve it without --protect; it is",
            "registered once per path, so settings given later with 'vigil datasets add' stay.",
            "Example: vigil local --protect docs=$HOME/Documents"})
public final class LocalCommand implements Callable<Integer> {
    @Option(names = "--dir", defaultValue = "${user.home}/.vigil/local",
            description = "Where everything lives (default: ${DEFAULT-VALUE}).")
    Path dir;

    private static final int DEFAULT_PORT = 9092;

    @Option(names = "--port", defaultValue = "" + DEFAULT_PORT, description = "Broker port on 127.0.0.1 (default: "
            + "${DEFAULT-VALUE}). A second 'vigil local' on this machine also needs its own analyzer query.endpoint "
            + "and collector events.http.port, in DIR/config/analyzer.properties and collector.properties.")
    int port;

    @Option(names = "--protect", paramLabel = "ID=PATH",
            description = "Protect a directory as dataset ID (repeatable).")
    Map<String, Path> protect = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
        final Path root = dir.toAbsolutePath();
        // held until the JVM ends: a second 'vigil local' on the same directory would fight over the broker's data
        final java.nio.channels.FileChannel lock = dev.vigil.schemas.config.StateDirectory.lock(root);
        if (lock == null) {
            System.err.println("vigil local: another 'vigil local' runs with --dir " + root + "; stop it first, or "
                    + "give this one another --dir and --port");
            return 1;
        }
        final Path key = root.resolve("keys/decision-engine.key");
        if (!Files.exists(key)) {
            CommandSignature.write(CommandSignature.generate(), key);
        }
        final ServiceSettings settings = readSettings(root, key);
        for (final Map.Entry<String, Path> e : protect.entrySet()) {
            addDataset(root, settings, e.getKey(), e.getValue().toAbsolutePath());
        }
        final CountDownLatch stopped = new CountDownLatch(1);
        final LocalStack stack;
        try {
            stack = LocalStack.start(root.resolve("broker"), port, settings,
                    what -> System.out.println("vigil local: " + what));
        } catch (RuntimeException e) {
            // e.g. a port another Vigil on this machine holds: the settings to change are in these files
            System.err.println("vigil local: " + e.getMessage() + "; the services' settings are in "
                    + root.resolve("config") + "/{collector,analyzer,decision-engine,worker}.properties");
            return 1;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stack.close();
            stopped.countDown();
        }, "vigil-local-shutdown"));
        register(root, stack, settings);
        System.out.println("vigil local: running. Broker " + stack.bootstrapServers() + ", everything under " + root);
        System.out.println("  configuration: " + root.resolve("config") + "/{collector,analyzer,decision-engine,worker}"
                + ".properties");
        System.out.println("  follow it:     vigil watch" + (port == DEFAULT_PORT ? "" : " -b " + stack.bootstrapServers())
                + "      (in another terminal)");
        System.out.println("  Ctrl-C stops everything.");
        stopped.await();
        return 0;
    }

    private ServiceSettings readSettings(final Path root, final Path key) throws IOException {
        final Path config = root.resolve("config");
        Files.createDirectories(config);
        final Path state = root.resolve("state");
        final ServiceSettings s = new ServiceSettings(
                read(config.resolve("collector.properties"), "state.dir=" + state.resolve("collector"),
                        f -> ConfigFile.read(f, CollectorConfig.CONFIG, CollectorConfig::new)),
                read(config.resolve("analyzer.properties"), "state.dir=" + state.resolve("analyzer"),
                        f -> ConfigFile.read(f, AnalyzerConfig.CONFIG, AnalyzerConfig::new)),
                read(config.resolve("decision-engine.properties"), "state.dir=" + state.resolve("decision-engine")
                        + "\nsigning.key.file=" + key,
                        DecisionConfig::read),
                read(config.resolve("worker.properties"), "worker.state.dir=" + state.resolve("worker")
                        + "\nworker.command.public.key.file=" + CommandSignature.publicFileFor(key)
                        + "\nworker.restore.allowed.roots=" + root.resolve("restores")
                        + "\nworker.datasets=", f -> WorkerConfig.read(f).originalsStrings()));
        Files.createDirectories(root.resolve("restores"));
        return s;
    }

    private interface Reader {
        Map<String, String> read(Path file) throws IOException;
    }

    /** Reads a service's file, writing it with the local defaults first when it does not exist. */
    private static Map<String, String> read(final Path file, final String defaults, final Reader reader)
            throws IOException {
        if (!Files.exists(file)) {
            Files.writeString(file, "# Written by 'vigil local' on first start; edit freely. Every key, its type and\n"
                    + "# default: the module README of this service. bootstrap.servers is set by vigil local.\n"
                    + defaults + "\n");
        }
        return new LinkedHashMap<>(reader.read(file));
    }

    private static void addDataset(final Path root, final ServiceSettings s, final String id, final Path path)
            throws IOException {
        if (!dev.vigil.schemas.Ids.isDatasetId(id)) {
            throw new IllegalArgumentException("--protect " + id + "=" + path + ": the id may hold "
                    + dev.vigil.schemas.Ids.DATASET_ID_RULE);
        }
        if (!Files.isDirectory(path)) {
            throw new IllegalArgumentException("--protect " + id + "=" + path + ": not a directory");
        }
        final Path password = root.resolve("keys").resolve(id + ".password");
        if (!Files.exists(password)) {
            final byte[] random = new byte[24];
            new SecureRandom().nextBytes(random);
            PrivateFiles.writeNew(password, Base64.getEncoder().encodeToString(random) + "\n");
        }
        final List<String> ids = new ArrayList<>(List.of(s.worker().getOrDefault("worker.datasets", "").split(",")));
        ids.removeIf(String::isBlank);
        if (!ids.contains(id)) {
            ids.add(id);
        }
        final Map<String, String> keys = new LinkedHashMap<>();
        keys.put("worker.datasets", String.join(",", ids));
        keys.put("dataset." + id + ".path", path.toString());
        keys.put("dataset." + id + ".repository", s.worker().getOrDefault("dataset." + id + ".repository",
                root.resolve("repositories").resolve(id).toString()));
        keys.put("dataset." + id + ".password.file", s.worker().getOrDefault("dataset." + id + ".password.file",
                password.toString()));
        s.worker().putAll(keys);
        // remembered in the worker's file, so that a start without --protect still serves the dataset
        final Path file = root.resolve("config").resolve("worker.properties");
        Files.writeString(file, withKeys(Files.readString(file), keys));
    }

    /**
     * @param properties a key=value file's text
     * @param keys values to set
     * @return the text with each key's line replaced, or appended when it has none; comments and order kept
     */
    static String withKeys(final String properties, final Map<String, String> keys) {
        final Map<String, String> left = new LinkedHashMap<>(keys);
        final StringBuilder out = new StringBuilder();
        for (final String line : properties.split("\n", -1)) {
            final int eq = line.indexOf('=');
            final String key = eq > 0 && !line.strip().startsWith("#") ? line.substring(0, eq).strip() : null;
            if (key != null && left.containsKey(key)) {
                out.append(key).append('=').append(left.remove(key)).append('\n');
            } else {
                out.append(line).append('\n');
            }
        }
        String text = out.substring(0, out.length() - 1);
        for (final Map.Entry<String, String> e : left.entrySet()) {
            text += (text.endsWith("\n") || text.isEmpty() ? "" : "\n") + e.getKey() + "=" + e.getValue() + "\n";
        }
        return text;
    }

    private void register(final Path root, final LocalStack stack, final ServiceSettings s) throws Exception {
        if (protect.isEmpty()) {
            return;
        }
        final String host = s.worker().getOrDefault(CommonConfig.HOST_NAME_CONFIG, CommonConfig.localHostName());
        final String prefix = s.worker().getOrDefault(CommonConfig.TOPIC_PREFIX_CONFIG, "");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(stack.clientConfig(),
                new StringSerializer(), new ByteArraySerializer())) {
            for (final Map.Entry<String, Path> e : protect.entrySet()) {
                final String path = e.getValue().toAbsolutePath().toString();
                // registered once per path: a later `vigil datasets add` (RPO, retention...) is not reset at each start
                final Path registered = root.resolve("state").resolve("registered").resolve(e.getKey());
                if (!(Files.exists(registered) && Files.readString(registered).equals(path))) {
                    final DatasetSpec spec = DatasetSpec.newBuilder().setId(e.getKey()).setHost(host)
                            .setTime(Instant.now()).setPath(path).setCriticality(Criticality.MEDIUM)
                            .setRepository(s.worker().get("dataset." + e.getKey() + ".repository")).build();
                    final String topic = Topics.DATASETS.withPrefix(prefix).name();
                    producer.send(new ProducerRecord<>(topic, e.getKey(),
                            Topics.DATASETS.valueSerde().serializer().serialize(topic, spec))).get(30, TimeUnit.SECONDS);
                    Files.createDirectories(registered.getParent());
                    Files.writeString(registered, path);
                }
                System.out.println("vigil local: protecting " + e.getKey() + " = " + e.getValue());
            }
        }
    }

}
