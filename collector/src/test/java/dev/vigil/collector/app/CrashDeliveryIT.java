package dev.vigil.collector.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.embedded.EmbeddedKafkaBroker;
import dev.vigil.schemas.HostEvent;
import dev.vigil.schemas.LogRecord;
import dev.vigil.schemas.json.RecordJson;
import dev.vigil.schemas.topic.TopicAdmin;
import dev.vigil.schemas.topic.Topics;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Slow (about a minute each): a real broker stopped and restarted on the same port and data directory, with the
 * agent in a child JVM killed with SIGKILL while the broker is down, or left running through the outage.
 */
class CrashDeliveryIT {
    private static final String PREFIX = "crash.";
    private static final Duration WAIT = Duration.ofSeconds(120);

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();
    private final List<String> accepted = new ArrayList<>();
    private int nextLine;
    private int port;
    private Path log;
    private Path config;

    @BeforeEach
    void writeAgentConfig() throws IOException {
        port = freePort();
        log = dir.resolve("app.log");
        Files.writeString(log, "");
        config = writeConfig();
    }

    private EmbeddedKafkaBroker startBroker(final Path brokerDir) {
        final EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(brokerDir, port, Map.of());
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            new TopicAdmin(admin).createOrCheck(Topics.all(PREFIX), 1);
        }
        return broker;
    }

    @Test
    void shouldDeliverEveryAcceptedRecordAfterBrokerOutageAndKill9(final @TempDir Path brokerDir) throws Exception {
        EmbeddedKafkaBroker broker = startBroker(brokerDir);
        try {
            Process agent = startAgent(config);
            try {
                final int eventsPort = eventsPort(agent);
                postAndWrite(eventsPort, 20);
                broker.close(); // Kafka away: the agent must keep accepting into its spool
                postAndWrite(eventsPort, 40);
                agent.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // SIGKILL, no shutdown hook
                broker = startBroker(brokerDir);
                agent = startAgent(config);
                postAndWrite(eventsPort(agent), 20);

                final Map<String, String> events = consumeEvents(broker.bootstrapServers());
                for (final String id : accepted) {
                    assertTrue(events.containsKey(id), "accepted event " + id + " never arrived");
                }
                final Map<String, List<String>> lines = consumeLogs(broker.bootstrapServers());
                for (int i = 0; i < nextLine; i++) {
                    final List<String> ids = lines.get("line " + i);
                    assertTrue(ids != null, "line " + i + " never arrived");
                    assertEquals(1, new HashSet<>(ids).size(), "line " + i + " arrived under different ids: " + ids);
                }
                assertEquals(nextLine, lines.size(), "no line invented");
            } finally {
                agent.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        } finally {
            broker.close();
        }
    }

    @Test
    void shouldDeliverInOrderWhenTheBrokerComesBackAfterTheDeliveryTimeout(final @TempDir Path brokerDir)
            throws Exception {
        EmbeddedKafkaBroker broker = startBroker(brokerDir);
        try {
            final Process agent = startAgent(config);
            try {
                final int eventsPort = eventsPort(agent);
                postAndWrite(eventsPort, 10);
                broker.close();
                // longer than delivery.timeout.ms: the agent's batches fail and it starts over with a new producer,
                // which knows nothing of the topics when the broker returns
                postAndWrite(eventsPort, 10);
                Thread.sleep(7_000);
                postAndWrite(eventsPort, 10);
                broker = startBroker(brokerDir);
                postAndWrite(eventsPort, 10);

                final List<String> order = new ArrayList<>();
                Consume.until(broker.bootstrapServers(), Topics.LOGS.withPrefix(PREFIX), WAIT, seen -> {
                    order.clear();
                    seen.stream().map(LogRecord::getMessage).distinct().forEach(order::add);
                    return order.size() >= nextLine;
                });
                final List<String> written = new ArrayList<>();
                for (int i = 0; i < nextLine; i++) {
                    written.add("line " + i);
                }
                assertEquals(written, order, "every line arrives, first arrivals in the order written, across the outage");
            } finally {
                agent.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        } finally {
            broker.close();
        }
    }

    private void postAndWrite(final int eventsPort, final int count) throws Exception {
        for (int i = 0; i < count; i++) {
            final HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + eventsPort + "/events"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"kind\":\"test.crash\",\"message\":\"n" + i + "\"}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(202, r.statusCode(), r.body());
            RecordJson.MAPPER.readTree(r.body()).get("ids").forEach(id -> accepted.add(id.asText()));
            Files.writeString(log, "line " + nextLine++ + "\n", StandardOpenOption.APPEND);
            Thread.sleep(20);
        }
    }

    private Map<String, String> consumeEvents(final String bootstrap) {
        final Map<String, String> byId = new HashMap<>();
        final Set<String> want = new HashSet<>(accepted);
        Consume.until(bootstrap, Topics.EVENTS.withPrefix(PREFIX), WAIT, seen -> {
            byId.clear();
            for (final HostEvent e : seen) {
                final String before = byId.put(e.getId(), RecordJson.write(e));
                assertTrue(before == null || before.equals(RecordJson.write(e)), "two events share id " + e.getId());
            }
            return byId.keySet().containsAll(want);
        });
        return byId;
    }

    private Map<String, List<String>> consumeLogs(final String bootstrap) {
        final Map<String, List<String>> byText = new HashMap<>();
        Consume.until(bootstrap, Topics.LOGS.withPrefix(PREFIX), WAIT, seen -> {
            byText.clear();
            for (final LogRecord r : seen) {
                byText.computeIfAbsent(r.getMessage(), k -> new ArrayList<>()).add(r.getId());
            }
            return byText.size() >= nextLine;
        });
        return byText;
    }

    private Path writeConfig() throws IOException {
        final Path config = dir.resolve("collector.properties");
        Files.writeString(config, String.join("\n",
                "bootstrap.servers=127.0.0.1:" + port,
                "topic.prefix=" + PREFIX,
                "host.name=crash-host",
                "state.dir=" + dir.resolve("state"),
                "events.http.port=0",
                "metrics.interval.ms=500",
                "files.registry.enabled=false",
                "logs.paths=" + log,
                "logs.start.at=beginning",
                "logs.poll.interval.ms=50",
                "delivery.timeout.ms=5000",
                "delivery.linger.ms=20",
                "kafka.reconnect.backoff.max.ms=1000", ""));
        return config;
    }

    private Process startAgent(final Path config) throws IOException {
        final String java = ProcessHandle.current().info().command().orElse("java");
        return new ProcessBuilder(java, "-Xmx128m", "-cp", System.getProperty("java.class.path"),
                AgentMain.class.getName(), config.toString())
                .redirectError(dir.resolve("agent-" + System.nanoTime() + ".err").toFile())
                .start();
    }

    private static int eventsPort(final Process agent) throws IOException {
        final BufferedReader out = new BufferedReader(new InputStreamReader(agent.getInputStream(),
                StandardCharsets.UTF_8));
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            if (line.startsWith("EVENTS_PORT=")) {
                return Integer.parseInt(line.substring("EVENTS_PORT=".length()));
            }
        }
        throw new AssertionError("the agent exited before listening");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
