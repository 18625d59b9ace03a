package dev.vigil.deploy.local;

import dev.vigil.analyzer.app.AnalyzerConfig;
import dev.vigil.analyzer.app.AnalyzerService;
import dev.vigil.backup.app.WorkerConfig;
import dev.vigil.backup.app.WorkerService;
import dev.vigil.collector.app.CollectorConfig;
import dev.vigil.collector.app.CollectorService;
import dev.vigil.decision.app.DecisionConfig;
import dev.vigil.decision.app.DecisionService;
import dev.vigil.embedded.EmbeddedKafkaBroker;
import dev.vigil.schemas.config.CommonConfig;
import dev.vigil.schemas.serde.SchemaTopic;
import dev.vigil.schemas.topic.TopicAdmin;
import dev.vigil.schemas.topic.Topics;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * A broker and the four services in this JVM. Starting order follows the data flow backwards, so
 * that every consumer runs before its producers send: worker, decision engine, analyzer, collector.
 * Closing stops them in the reverse order; a failure while starting closes what already runs.
 */
public final class LocalStack implements AutoCloseable {
    private final EmbeddedKafkaBroker broker;
    private final Deque<AutoCloseable> running = new ArrayDeque<>();

    private LocalStack(final EmbeddedKafkaBroker broker) {
        this.broker = broker;
    }

    /**
     * @param brokerDir the broker's data directory
     * @param brokerPort client port, 0 for a free one
     * @param settings the services' settings; bootstrap.servers is set here
     * @param progress told what starts, for people watching
     * @return the running stack
     */
    public static LocalStack start(final Path brokerDir, final int brokerPort, final ServiceSettings settings,
                                   final Consumer<String> progress) {
        progress.accept("starting Kafka broker (KRaft, one node)");
        final LocalStack stack = new LocalStack(EmbeddedKafkaBroker.start(brokerDir, brokerPort, Map.of()));
        try {
            settings.common(CommonConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
            final String prefix = settings.worker().getOrDefault(CommonConfig.TOPIC_PREFIX_CONFIG, "");
            stack.createTopics(prefix);
            progress.accept("starting backup worker");
            stack.running.push(WorkerService.start(new WorkerConfig(settings.worker())));
            progress.accept("starting decision engine");
            stack.running.push(DecisionService.start(new DecisionConfig(settings.decision())));
            progress.accept("starting analyzer");
            stack.running.push(AnalyzerService.start(new AnalyzerConfig(settings.analyzer())));
            progress.accept("starting collector");
            stack.running.push(CollectorService.start(new CollectorConfig(settings.collector())));
            return stack;
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        }
    }

    /** @return {@code host:port} of the embedded broker */
    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    /** @return bootstrap.servers as a client config */
    public Map<String, Object> clientConfig() {
        final Map<String, Object> config = new HashMap<>();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return config;
    }

    private void createTopics(final String prefix) {
        try (Admin admin = Admin.create(clientConfig())) {
            final List<TopicAdmin.Report> reports = new TopicAdmin(admin).createOrCheck(Topics.all(prefix), 1);
            reports.stream().filter(r -> r.status() == TopicAdmin.Status.MISMATCH).findFirst().ifPresent(r -> {
                throw new IllegalStateException("topic " + r.topic() + " exists but does not fit: " + r.detail());
            });
        }
        final Runnable schemaLookup = SchemaTopic.install(clientConfig(), prefix);
        running.push(schemaLookup::run);
    }

    @Override
    public void close() {
        RuntimeException failure = null;
        while (!running.isEmpty()) {
            try {
                running.pop().close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = new IllegalStateException("stopping a service failed: " + e.getMessage(), e);
                }
            }
        }
        broker.close();
        if (failure != null) {
            throw failure;
        }
    }
}
