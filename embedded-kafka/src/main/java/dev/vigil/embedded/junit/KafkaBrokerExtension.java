package dev.vigil.embedded.junit;

import dev.vigil.embedded.EmbeddedKafkaBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives a test method or constructor a {@link TestKafka} parameter backed by one broker per JVM.
 *
 * <pre>{@code
 * @ExtendWith(KafkaBrokerExtension.class)
 * class PipelineIT {
 *     @Test
 *     void shouldX(TestKafka kafka) { ... kafka.bootstrapServers() ... kafka.prefix() ... }
 * }
 * }</pre>
 *
 * <p>System property {@value #BACKEND_PROPERTY}: {@code embedded} (default) or {@code
 * testcontainers} (needs Docker and {@code org.testcontainers:testcontainers-kafka} on the test
 * class path).
 */
public final class KafkaBrokerExtension implements ParameterResolver {
    /** Chooses the broker: {@code embedded} (default) or {@code testcontainers}. */
    public static final String BACKEND_PROPERTY = "vigil.test.kafka";
    private static final AtomicInteger TEST_COUNTER = new AtomicInteger();

    @Override
    public boolean supportsParameter(final ParameterContext parameter, final ExtensionContext context) {
        return parameter.getParameter().getType() == TestKafka.class;
    }

    @Override
    public Object resolveParameter(final ParameterContext parameter, final ExtensionContext context) {
        final SharedBroker broker = context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent(SharedBroker.class, k -> SharedBroker.start(), SharedBroker.class);
        final String name = context.getTestMethod().map(m -> m.getName())
                .orElse(context.getRequiredTestClass().getSimpleName());
        final String prefix = "t" + TEST_COUNTER.incrementAndGet() + "-"
                + name.replaceAll("[^A-Za-z0-9]", "").toLowerCase() + ".";
        return new TestKafka(broker.bootstrapServers(), prefix);
    }

    /** The JVM-wide broker; JUnit closes it when the root context ends. */
    private static final class SharedBroker implements ExtensionContext.Store.CloseableResource {
        private final AutoCloseable broker;
        private final String bootstrapServers;
        private final Path dataDir;

        private SharedBroker(final AutoCloseable broker, final String bootstrapServers, final Path dataDir) {
            this.broker = broker;
            this.bootstrapServers = bootstrapServers;
            this.dataDir = dataDir;
        }

        static SharedBroker start() {
            final String backend = System.getProperty(BACKEND_PROPERTY, "embedded");
            if ("testcontainers".equals(backend)) {
                final ContainerBroker container = ContainerBroker.start();
                return new SharedBroker(container, container.bootstrapServers(), null);
            }
            if (!"embedded".equals(backend)) {
                throw new IllegalArgumentException(BACKEND_PROPERTY + " must be 'embedded' or 'testcontainers', was '"
                        + backend + "'");
            }
            try {
                final Path dir = Files.createTempDirectory("vigil-test-kafka-");
                final EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir);
                return new SharedBroker(broker, broker.bootstrapServers(), dir);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        String bootstrapServers() {
            return bootstrapServers;
        }

        @Override
        public void close() throws Exception {
            broker.close();
            if (dataDir != null) {
                try (Stream<Path> paths = Files.walk(dataDir)) {
                    paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }
}
