package dev.vigil.schemas.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;

/** Settings every service has. Service configs start from {@link #define()}. */
public class CommonConfig extends AbstractConfig {
    public static final String BOOTSTRAP_SERVERS_CONFIG = "bootstrap.servers";
    private static final String BOOTSTRAP_SERVERS_DOC = "Kafka brokers to connect to, host:port[,host:port...].";
    public static final String TOPIC_PREFIX_CONFIG = "topic.prefix";
    private static final String TOPIC_PREFIX_DOC = "Prefix of every Vigil topic name, so that several installations "
            + "can share a cluster. Empty means the plain names (vigil-metrics, ...).";
    public static final String HOST_NAME_CONFIG = "host.name";
    private static final String HOST_NAME_DOC = "Name of this host in every record it publishes and every command it "
            + "serves. Defaults to the machine's host name.";
    /** Keys with this prefix are passed to every Kafka client, prefix stripped (e.g. kafka.security.protocol). */
    public static final String KAFKA_CLIENT_PREFIX = "kafka.";

    /**
     * A check declared with its key, so that a configuration file's wrong value is refused with its file and line
     * ({@link ConfigFile} runs every key's validator) and not later, when the lines are gone.
     *
     * @param expected what a good value is, for messages and the reference ("a duration, e.g. 15m")
     * @param check throws {@link org.apache.kafka.common.config.ConfigException} for a bad value (name, value)
     * @return the validator
     */
    public static ConfigDef.Validator validator(final String expected,
                                                final java.util.function.BiConsumer<String, Object> check) {
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(final String name, final Object value) {
                check.accept(name, value);
            }

            @Override
            public String toString() {
                return expected;
            }
        };
    }

    /** The validator of a {@code kafka.*} key the service sets itself: refuses any value, saying what to set instead. */
    public static final class Fixed implements ConfigDef.Validator {
        private final String instead;

        Fixed(final String instead) {
            this.instead = instead;
        }

        @Override
        public void ensureValid(final String name, final Object value) {
            if (value != null) {
                throw new org.apache.kafka.common.config.ConfigException(name + " is set by Vigil; " + instead);
            }
        }

        @Override
        public String toString() {
            return "not settable: " + instead;
        }
    }

    /**
     * Declares a Kafka client or Streams setting the service sets itself (exactly-once, its application id, its
     * state directory...), so that {@code kafka.<key>} is refused with its line and what to set instead, rather than
     * accepted and silently overridden. Also refused when given in code.
     *
     * @param definition the service's definition, extended in place
     * @param clientKey the Kafka key, without {@code kafka.} (e.g. {@code state.dir})
     * @param instead what to do instead (e.g. "set state.dir")
     * @return the definition
     */
    public static ConfigDef fixedClientKey(final ConfigDef definition, final String clientKey, final String instead) {
        return definition.define(KAFKA_CLIENT_PREFIX + clientKey, Type.STRING, null, new Fixed(instead),
                Importance.LOW, "Not settable: the service sets " + clientKey + " itself; " + instead + ".");
    }

    /**
     * Where the cluster is, the same way for every service: the command line's value, else the file's, else
     * {@code $VIGIL_BOOTSTRAP_SERVER} / {@code $VIGIL_TOPIC_PREFIX}.
     *
     * @param values settings read from a file, changed in place
     * @param bootstrap {@code --bootstrap-server}, or null (a blank one counts as not given)
     * @param prefix {@code --topic-prefix}, or null (an empty one means no prefix)
     */
    public static void applyCluster(final Map<String, ? super String> values, final String bootstrap,
                                    final String prefix) {
        final String envBootstrap = System.getenv("VIGIL_BOOTSTRAP_SERVER");
        if (bootstrap != null && !bootstrap.isBlank()) {
            values.put(BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        } else if (!values.containsKey(BOOTSTRAP_SERVERS_CONFIG) && envBootstrap != null && !envBootstrap.isBlank()) {
            values.put(BOOTSTRAP_SERVERS_CONFIG, envBootstrap);
        }
        final String envPrefix = System.getenv("VIGIL_TOPIC_PREFIX");
        if (prefix != null) {
            values.put(TOPIC_PREFIX_CONFIG, prefix);
        } else if (!values.containsKey(TOPIC_PREFIX_CONFIG) && envPrefix != null) {
            values.put(TOPIC_PREFIX_CONFIG, envPrefix);
        }
    }

    /** @return a fresh definition holding the common keys, for a service to extend */
    public static ConfigDef define() {
        return new ConfigDef()
                .define(BOOTSTRAP_SERVERS_CONFIG, Type.LIST, "127.0.0.1:9092", ConfigDef.ValidList.anyNonDuplicateValues(false, false),
                        Importance.HIGH, BOOTSTRAP_SERVERS_DOC)
                .define(TOPIC_PREFIX_CONFIG, Type.STRING, "", Importance.MEDIUM, TOPIC_PREFIX_DOC)
                .define(HOST_NAME_CONFIG, Type.STRING, localHostName(), new ConfigDef.NonEmptyString(),
                        Importance.MEDIUM, HOST_NAME_DOC);
    }

    /**
     * @param definition the service's definition
     * @param values the settings, already validated by {@link ConfigFile} or given in code
     */
    public CommonConfig(final ConfigDef definition, final Map<?, ?> values) {
        super(definition, values, false);
    }

    /** @return the deployment's topic prefix */
    public String topicPrefix() {
        return getString(TOPIC_PREFIX_CONFIG);
    }

    /** @return this host's name */
    public String hostName() {
        return getString(HOST_NAME_CONFIG);
    }

    /** @return bootstrap.servers plus every kafka.* pass-through setting, for building a Kafka client */
    public Map<String, Object> kafkaClientConfig() {
        final Map<String, Object> client = new HashMap<>(originalsWithPrefix(KAFKA_CLIENT_PREFIX));
        client.put(BOOTSTRAP_SERVERS_CONFIG, String.join(",", getList(BOOTSTRAP_SERVERS_CONFIG)));
        return client;
    }

    /** @return this machine's name: $HOSTNAME, else what the resolver says, else "localhost" */
    public static String localHostName() {
        final String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
