package dev.vigil.schemas.config;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * Reads a service configuration file: one {@code key=value} per line, {@code #} comments, blank
 * lines ignored. Unlike {@link java.util.Properties}, it refuses what an operator would regret:
 * an unknown key (with the closest known one), a duplicate key, a value of the wrong type or out
 * of range, each reported as {@code FILE:LINE: message}, all of a file's wrong lines in one refusal
 * (one line each). Checks across keys (one key at most a quarter of another...), which a service makes in its
 * {@code XxxConfig} constructor, are run here too when the constructor is given ({@link #read(Path, ConfigDef,
 * Consumer)}): their error gets the line of the key it names that comes last in the file, and is reported with the
 * others.
 *
 * <p>Keys starting with {@value CommonConfig#KAFKA_CLIENT_PREFIX} are passed to Kafka clients, checked against the
 * clients' own definitions, except those the service declares itself (a setting it fixes is refused, see
 * {@link CommonConfig#fixedClientKey}).
 */
public final class ConfigFile {
    private ConfigFile() {
    }

    /**
     * @param file the file
     * @param definition the keys the service accepts
     * @return the settings, checked against the definition
     * @throws ConfigException naming the file, line and key of every wrong line, one per message line
     */
    public static Map<String, String> read(final Path file, final ConfigDef definition) {
        return read(file, definition, values -> { });
    }

    /**
     * @param file the file
     * @param definition the keys the service accepts
     * @param crossCheck checks across keys, given the settings of the file's good lines: typically the service's
     *     {@code XxxConfig::new}, which throws a {@link ConfigException} naming the keys that contradict each other
     * @return the settings, checked against the definition and by {@code crossCheck}
     * @throws ConfigException naming the file, line and key of every wrong line, one per message line; an error of
     *     {@code crossCheck} with the line of the key it names that the file sets last
     */
    public static Map<String, String> read(final Path file, final ConfigDef definition,
                                           final Consumer<Map<String, String>> crossCheck) {
        final String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file)))
                    .toString();
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": no such file");
        } catch (CharacterCodingException e) {
            throw new ConfigException(file + ": not UTF-8 text");
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage());
        }
        return parse(file.toString(), text, definition, crossCheck);
    }

    /**
     * @param name the file name for messages
     * @param text the file's content
     * @param definition the keys the service accepts
     * @return the settings
     */
    public static Map<String, String> parse(final String name, final String text, final ConfigDef definition) {
        return parse(name, text, definition, values -> { });
    }

    /**
     * @param name the file name for messages
     * @param text the file's content
     * @param definition the keys the service accepts
     * @param crossCheck checks across keys (see {@link #read(Path, ConfigDef, Consumer)})
     * @return the settings
     */
    public static Map<String, String> parse(final String name, final String text, final ConfigDef definition,
                                            final Consumer<Map<String, String>> crossCheck) {
        final Map<String, String> values = new LinkedHashMap<>();
        final Map<String, Integer> lineOf = new LinkedHashMap<>();
        // every wrong line at once: an operator fixing a file at 3 a.m. should not restart once per typo
        final List<Problem> problems = new java.util.ArrayList<>();
        // a byte-order mark (some Windows editors write one) is not part of the first key
        final String[] lines = (text.startsWith("\uFEFF") ? text.substring(1) : text).split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            final String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            try {
                final Map.Entry<String, String> setting = setting(name, i + 1, line, lineOf, definition);
                values.put(setting.getKey(), setting.getValue());
            } catch (ConfigException e) {
                problems.add(new Problem(i + 1, e.getMessage()));
            }
        }
        crossProblem(name, values, lineOf, crossCheck).ifPresent(problems::add);
        if (!problems.isEmpty()) {
            problems.sort(Comparator.comparingInt(Problem::line)); // stable: a line's own error before a cross one
            throw new ConfigException(String.join("\n", problems.stream().map(Problem::message).toList()));
        }
        return values;
    }

    /** One wrong thing, at its line ({@link Integer#MAX_VALUE}: no line of the file). */
    private record Problem(int line, String message) {
    }

    /**
     * Runs the checks across keys on the good lines' settings. Their error gets the line of the named key that the
     * file sets last (the one an operator just added, or the one to look at with the other); it is left out when it
     * names a key whose line is wrong already (it would be about that key's default, not what the file says).
     */
    private static java.util.Optional<Problem> crossProblem(final String name, final Map<String, String> values,
            final Map<String, Integer> lineOf, final Consumer<Map<String, String>> crossCheck) {
        try {
            crossCheck.accept(java.util.Collections.unmodifiableMap(values));
            return java.util.Optional.empty();
        } catch (ConfigException e) {
            final String message = e.getMessage() == null ? "inconsistent settings" : e.getMessage();
            int line = 0;
            for (final Map.Entry<String, Integer> key : lineOf.entrySet()) {
                if (names(message, key.getKey())) {
                    if (!values.containsKey(key.getKey())) {
                        return java.util.Optional.empty(); // its own line is refused already
                    }
                    line = Math.max(line, key.getValue());
                }
            }
            return java.util.Optional.of(line == 0 ? new Problem(Integer.MAX_VALUE, name + ": " + message)
                    : new Problem(line, name + ":" + line + ": " + message));
        }
    }

    /** @return whether a message names a key as a whole (not spool.max.bytes inside spool.max.bytes.x) */
    static boolean names(final String message, final String key) {
        for (int at = message.indexOf(key); at >= 0; at = message.indexOf(key, at + 1)) {
            final int end = at + key.length();
            final boolean startsWord = at == 0 || !keyChar(message.charAt(at - 1));
            final boolean endsWord = end == message.length() || (message.charAt(end) == '.'
                    ? end + 1 == message.length() || !Character.isLetterOrDigit(message.charAt(end + 1)) // a full stop
                    : !keyChar(message.charAt(end)));
            if (startsWord && endsWord) {
                return true;
            }
        }
        return false;
    }

    private static boolean keyChar(final char c) {
        return Character.isLetterOrDigit(c) || c == '.' || c == '_' || c == '-';
    }

    private static Map.Entry<String, String> setting(final String name, final int number, final String line,
            final Map<String, Integer> lineOf, final ConfigDef definition) {
        final String where = name + ":" + number;
        final int eq = line.indexOf('=');
        if (eq <= 0) {
            throw new ConfigException(where + ": expected key=value, found '" + line + "'");
        }
        final String key = line.substring(0, eq).strip();
        final String value = line.substring(eq + 1).strip();
        if (lineOf.containsKey(key)) {
            throw new ConfigException(where + ": " + key + " is already set on line " + lineOf.get(key));
        }
        lineOf.put(key, number); // before its value is checked, so that a second line setting it is named too
        if (key.startsWith(CommonConfig.KAFKA_CLIENT_PREFIX) && !definition.names().contains(key)) {
            checkClientKey(where, key.substring(CommonConfig.KAFKA_CLIENT_PREFIX.length()), value);
        } else if (!definition.names().contains(key)) {
            throw new ConfigException(where + ": unknown key '" + key + "'" + suggestion(key, definition));
        } else {
            check(where, key, value, definition.configKeys().get(key));
        }
        return Map.entry(key, value);
    }

    /**
     * The Kafka clients' own definitions: a kafka.* value that every client defining the key would refuse is refused
     * here, with its line. Kafka Streams' is among them where the service has it (found by name: this module does
     * not depend on Kafka Streams, and a service without it cannot use its settings anyway).
     */
    private static final List<ConfigDef> CLIENTS = clients();

    private static List<ConfigDef> clients() {
        final List<ConfigDef> defs = new java.util.ArrayList<>(List.of(
                org.apache.kafka.clients.producer.ProducerConfig.configDef(),
                org.apache.kafka.clients.consumer.ConsumerConfig.configDef(),
                org.apache.kafka.clients.admin.AdminClientConfig.configDef()));
        try {
            defs.add((ConfigDef) Class.forName("org.apache.kafka.streams.StreamsConfig").getMethod("configDef")
                    .invoke(null));
        } catch (ReflectiveOperationException | LinkageError e) {
            // no Kafka Streams here
        }
        return List.copyOf(defs);
    }

    private static void checkClientKey(final String where, final String key, final String value) {
        if (value.contains("${")) {
            return; // a config provider's placeholder, resolved by the client
        }
        ConfigException refused = null;
        for (final ConfigDef client : CLIENTS) {
            final ConfigDef.ConfigKey spec = client.configKeys().get(key);
            if (spec == null || spec.type == ConfigDef.Type.CLASS) {
                continue; // not this client's; or a class, which only the client may load
            }
            try {
                check(where, "kafka." + key, value, spec);
                return;
            } catch (ConfigException e) {
                refused = e;
            }
        }
        if (refused != null) {
            throw refused;
        }
    }

    private static void check(final String where, final String key, final String value, final ConfigDef.ConfigKey spec) {
        try {
            final Object parsed = ConfigDef.parseType(key, value, spec.type);
            if (spec.validator != null) {
                spec.validator.ensureValid(key, parsed);
            }
        } catch (ConfigException e) {
            if (spec.validator instanceof CommonConfig.Fixed) {
                throw new ConfigException(where + ": " + e.getMessage());
            }
            throw new ConfigException(where + ": " + key + ": " + e.getMessage()
                    + " (expected " + spec.type.toString().toLowerCase() + (spec.validator == null ? ""
                    : ", " + spec.validator) + ")");
        }
    }

    private static String suggestion(final String key, final ConfigDef definition) {
        return definition.names().stream()
                .min(Comparator.comparingInt(known -> distance(known, key)))
                .filter(best -> distance(best, key) <= Math.max(2, key.length() / 3))
                .map(best -> "; did you mean '" + best + "'?")
                .orElse("");
    }

    /** Levenshtein distance, for suggesting the key an operator meant. */
    static int distance(final String a, final String b) {
        int[] previous = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            final int[] current = new int[b.length() + 1];
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                final int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            previous = current;
        }
        return previous[b.length()];
    }
}
