package dev.vigil.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class VigilCommandLineTest {

    private static String run(final int expectedExit, final String... args) {
        final StringWriter out = new StringWriter();
        final CommandLine cli = Vigil.commandLine();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(out));
        assertEquals(expectedExit, cli.execute(args), out.toString());
        return out.toString();
    }

    @Test
    void shouldListEveryCommandInTheTopLevelHelp() {
        final String help = run(0, "--help");
        for (final String command : new String[] {"demo", "local", "broker", "topics", "keys", "collector", "analyzer",
            "decision-engine", "worker", "publish", "watch", "stats", "datasets", "approve", "reject", "decide", "repo",
            "nab", "nab-score", "logparse", "logparse-eval", "bench"}) {
            assertTrue(help.contains("\n  " + command + " "), "--help lacks " + command + ":\n" + help);
        }
        // Grouped, each command summed up by whole sentences.
        assertTrue(help.contains("Run it:\n  demo "), help);
        assertTrue(help.contains("Measure it:\n  nab "), help);
        assertTrue(help.contains("  collector        Run the collector agent on this host until Ctrl-C.\n"), help);
    }

    @Test
    void shouldGiveEverySubcommandAHelpThatExplainsIt() {
        final CommandLine cli = Vigil.commandLine();
        check(cli);
    }

    private static void check(final CommandLine command) {
        final String usage = command.getUsageMessage();
        assertTrue(command.getCommandSpec().usageMessage().description().length > 0,
                command.getCommandSpec().qualifiedName() + " has no description");
        assertTrue(usage.contains("-h, --help") || command.getCommandName().equals("help"),
                command.getCommandSpec().qualifiedName() + " has no --help");
        // picocli formats descriptions with String.format: a lone '%' prints a warning and the raw text
        final String[] description = command.getCommandSpec().usageMessage().description();
        for (int i = 0; i < description.length; i++) {
            final String line = description[i];
            assertTrue(formats(line), command.getCommandSpec().qualifiedName() + ": unescaped % in: " + line);
            // a line that stops mid-sentence prints as a ragged break in --help (see Vigil.reflow)
            final String text = line.strip();
            assertTrue(text.isEmpty() || line.startsWith(" ") || text.startsWith("Example") || text.endsWith("%n")
                    || Vigil.endsSentence(text) || i + 1 < description.length
                    && (description[i + 1].isBlank() || description[i + 1].startsWith(" ")),
                    command.getCommandSpec().qualifiedName() + ": a description line ends mid-sentence: " + line);
        }
        for (final CommandLine.Model.OptionSpec option : command.getCommandSpec().options()) {
            for (final String line : option.description()) {
                assertTrue(formats(line), command.getCommandSpec().qualifiedName() + " " + option.longestName()
                        + ": unescaped % in: " + line);
            }
        }
        if (command.getCommandSpec().optionsMap().containsKey("--version")) {
            final StringWriter version = new StringWriter();
            command.printVersionHelp(new PrintWriter(version));
            assertTrue(version.toString().startsWith("vigil "),
                    command.getCommandSpec().qualifiedName() + " --version printed: " + version);
        }
        command.getSubcommands().values().forEach(VigilCommandLineTest::check);
    }

    /** The value each shared option shows in every usage line: one name for one thing across the commands. */
    private static final java.util.Map<String, String> SHARED_LABELS = java.util.Map.of("--bootstrap-server",
            "HOST:PORT", "--topic-prefix", "PREFIX", "--config", "FILE", "--command-config", "FILE", "--password-file",
            "FILE", "--to-password-file", "FILE", "--new-password-file", "FILE");

    @Test
    void shouldShowEachSharedOptionWithTheSameValueNameInEveryCommand() {
        final List<String> differing = new java.util.ArrayList<>();
        labels(Vigil.commandLine(), differing);
        assertEquals(List.of(), differing);
        assertTrue(run(0, "--help").contains("Exit codes: 0 success, 1 the operation failed, 2 bad usage, 3 "), "the "
                + "top-level help states the exit codes every command shares");
    }

    private static void labels(final CommandLine command, final List<String> differing) {
        for (final CommandLine.Model.OptionSpec option : command.getCommandSpec().options()) {
            final String wanted = SHARED_LABELS.get(option.longestName());
            if (wanted != null && !wanted.equals(option.paramLabel())) {
                differing.add(command.getCommandSpec().qualifiedName() + " " + option.longestName() + "="
                        + option.paramLabel());
            }
        }
        command.getSubcommands().values().forEach(sub -> labels(sub, differing));
    }

    @Test
    void shouldNameInEveryHelpOnlyOptionsThatExist() {
        final java.util.Set<String> options = new java.util.HashSet<>();
        optionNames(Vigil.commandLine(), options);
        final List<String> unknown = new java.util.ArrayList<>();
        unknownOptions(Vigil.commandLine(), options, unknown);
        assertEquals(List.of(), unknown, "a help names an option no command has");
    }

    private static void optionNames(final CommandLine command, final java.util.Set<String> names) {
        command.getCommandSpec().options().forEach(option -> names.addAll(List.of(option.names())));
        command.getSubcommands().values().forEach(sub -> optionNames(sub, names));
    }

    private static void unknownOptions(final CommandLine command, final java.util.Set<String> names,
                                       final List<String> unknown) {
        // "--keep-*" names a family of options, hence the trailing letter or digit
        final java.util.regex.Matcher named = java.util.regex.Pattern.compile("(?<![\\w-])--[a-z][a-z0-9-]*[a-z0-9]")
                .matcher(command.getUsageMessage());
        while (named.find()) {
            if (!names.contains(named.group())) {
                unknown.add(command.getCommandSpec().qualifiedName() + ": " + named.group());
            }
        }
        command.getSubcommands().values().forEach(sub -> unknownOptions(sub, names, unknown));
    }

    private static boolean formats(final String text) {
        try {
            String.format(text);
            return true;
        } catch (java.util.IllegalFormatException e) {
            return false;
        }
    }

    @Test
    void shouldJoinTheLinesOfASentenceButKeepParagraphsAndExamples() {
        assertEquals(List.of("Run it until Ctrl-C: it reads all.", "", "  vigil demo", "Example: vigil x",
                        "Then more text, and the end."),
                List.of(Vigil.reflow(new String[] {"Run it until", "Ctrl-C: it reads", "all.", "", "  vigil demo",
                    "Example: vigil x", "Then more text,", "and the end."})));
        // a parenthesis closes a sentence only with the sentence's own end inside
        assertEquals(List.of("Replay a scenario (datasets, results) through the engine (fast.)"),
                List.of(Vigil.reflow(new String[] {"Replay a scenario (datasets, results)", "through the engine (fast.)"})));
    }

    @Test
    void shouldWriteALostPublicKeyAgainFromItsPrivateKeyButNotReplaceAnotherKeysWithoutForce(@TempDir final Path dir)
            throws Exception {
        final Path key = dir.resolve("engine.key");
        final Path pub = dir.resolve("engine.key.pub");
        run(0, "keys", "generate", "--out", key.toString());
        final String original = Files.readString(pub);
        Files.delete(pub);

        run(0, "keys", "public", "--key", key.toString());
        assertEquals(original, Files.readString(pub));

        run(0, "keys", "generate", "--out", dir.resolve("other.key").toString());
        Files.copy(dir.resolve("other.key.pub"), pub, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertTrue(run(1, "keys", "public", "--key", key.toString()).contains("not this key's"));
        run(0, "keys", "public", "--key", key.toString(), "--force");
        assertEquals(original, Files.readString(pub));
    }

    @Test
    void shouldTakeADecisionIdTooShortToApproveOrRejectAsBadUsage() {
        // refused before the cluster is asked (nothing listens on port 1)
        for (final String command : List.of("approve", "reject")) {
            final String out = run(2, command, "abc", "--reason", "r", "-b", "127.0.0.1:1");
            assertTrue(out.contains("decision id 'abc' is too short; give at least 8 characters"), out);
        }
    }

    @Test
    void shouldNameTheStreamsWatchTailsWhenGivenOneItDoesNot() {
        // a likely slip: the singular of a stream's name
        final String out = run(2, "watch", "decisions", "result", "-b", "127.0.0.1:1");
        assertTrue(out.contains("unknown stream 'result'; one of: metrics, logs, events"), out);
        assertTrue(out.contains("results"), out);
    }

    @Test
    void shouldPrintWhatOnePollReturnsInTimeOrderAcrossTopics() {
        final var result = new org.apache.kafka.clients.consumer.ConsumerRecord<>("vigil-results", 0, 7, 2_000L,
                org.apache.kafka.common.record.TimestampType.CREATE_TIME, 0, 0, "k", "RESULT",
                new org.apache.kafka.common.header.internals.RecordHeaders(), java.util.Optional.empty());
        final var decision = new org.apache.kafka.clients.consumer.ConsumerRecord<>("vigil-decisions", 0, 3, 1_000L,
                org.apache.kafka.common.record.TimestampType.CREATE_TIME, 0, 0, "k", "DECISION",
                new org.apache.kafka.common.header.internals.RecordHeaders(), java.util.Optional.empty());
        // as a poll hands them over: partition by partition, the results' partition first
        assertEquals(List.of("DECISION", "RESULT"), WatchCommand.inTimeOrder(List.of(result, decision)).stream()
                .map(org.apache.kafka.clients.consumer.ConsumerRecord::value).toList());
    }

    @CommandLine.Command(name = "engine")
    static final class RefusedRules implements java.util.concurrent.Callable<Integer> {
        @Override
        public Integer call() {
            throw new dev.vigil.decision.rules.RuleFileException(List.of("/etc/vigil/rules.yaml:7: unknown action"));
        }
    }

    @Test
    void shouldExitWithTheConfigurationCodeWhenTheRuleFileIsRefused() {
        final StringWriter err = new StringWriter();
        final CommandLine cli = new CommandLine(new RefusedRules()).setExecutionExceptionHandler(new ErrorHandler());
        cli.setErr(new PrintWriter(err));

        assertEquals(ErrorHandler.BAD_CONFIG, cli.execute());
        assertTrue(err.toString().contains("configuration refused: /etc/vigil/rules.yaml:7: unknown action"),
                err.toString());
    }

    @CommandLine.Command(name = "worker")
    static final class RefusedConfigFile implements java.util.concurrent.Callable<Integer> {
        @Override
        public Integer call() {
            throw new org.apache.kafka.common.config.ConfigException("w.properties:2: unknown key 'x'\n"
                    + "w.properties:5: interval.ms: not a number");
        }
    }

    @Test
    void shouldListEveryWrongLineOfARefusedConfigurationOnItsOwnLine() {
        final StringWriter err = new StringWriter();
        final CommandLine cli = new CommandLine(new RefusedConfigFile()).setExecutionExceptionHandler(new ErrorHandler());
        cli.setErr(new PrintWriter(err));

        assertEquals(ErrorHandler.BAD_CONFIG, cli.execute());
        assertEquals("worker: configuration refused:\n  w.properties:2: unknown key 'x'\n"
                + "  w.properties:5: interval.ms: not a number", err.toString().strip());
    }

    @CommandLine.Command(name = "service")
    static final class UnresolvableBroker implements java.util.concurrent.Callable<Integer> {
        @Override
        public Integer call() {
            final java.util.Map<String, Object> config = java.util.Map.of("bootstrap.servers", "notahost",
                    "key.deserializer", org.apache.kafka.common.serialization.ByteArrayDeserializer.class,
                    "value.deserializer", org.apache.kafka.common.serialization.ByteArrayDeserializer.class);
            try (var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]>(config)) {
                return 0;
            }
        }
    }

    @Test
    void shouldExitWithTheConfigurationCodeWhenTheKafkaClientsRefuseTheirSettings() {
        final StringWriter err = new StringWriter();
        final CommandLine cli = new CommandLine(new UnresolvableBroker())
                .setExecutionExceptionHandler(new ErrorHandler());
        cli.setErr(new PrintWriter(err));

        assertEquals(ErrorHandler.BAD_CONFIG, cli.execute());
        assertTrue(err.toString().contains("configuration refused") && err.toString().contains("notahost"),
                err.toString());
    }

    @CommandLine.Command(name = "watch")
    static final class SilentBroker implements java.util.concurrent.Callable<Integer> {
        @CommandLine.Option(names = "--bootstrap-server", defaultValue = "127.0.0.1:9092")
        String bootstrap;

        @CommandLine.Option(names = "--json")
        boolean json;

        @Override
        public Integer call() {
            throw new org.apache.kafka.common.errors.TimeoutException("Timeout expired while fetching topic metadata");
        }
    }

    @Test
    void shouldNameTheBrokerThatDidNotAnswer() {
        final StringWriter err = new StringWriter();
        final CommandLine cli = new CommandLine(new SilentBroker()).setExecutionExceptionHandler(new ErrorHandler());
        cli.setErr(new PrintWriter(err));

        assertEquals(ErrorHandler.FAILED, cli.execute("--bootstrap-server", "10.1.2.3:9092"));
        assertTrue(err.toString().contains("no answer from Kafka at 10.1.2.3:9092"), err.toString());
    }

    @Test
    void shouldPrintAnErrorDocumentOnStdoutWhenAskedForJson() throws Exception {
        final StringWriter out = new StringWriter();
        final CommandLine cli = new CommandLine(new SilentBroker()).setExecutionExceptionHandler(new ErrorHandler());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(new StringWriter()));

        assertEquals(ErrorHandler.FAILED, cli.execute("--json"));
        final com.fasterxml.jackson.databind.JsonNode doc = dev.vigil.schemas.json.RecordJson.MAPPER.readTree(
                out.toString());
        assertEquals(ErrorHandler.FAILED, doc.get("exitCode").asInt());
        assertTrue(doc.get("error").asText().contains("no answer from Kafka"), out.toString());
    }

    @Test
    void shouldRefuseAnUnknownCommandWithUsageExitCode() {
        assertTrue(run(2, "bakup").contains("Unmatched argument"));
    }

    @Test
    void shouldRefuseMalformedOptionValuesAsUsageBeforeContactingAnything() {
        assertTrue(run(2, "stats", "--host", "h", "--metric", "m", "--analyzer", "garbage")
                .contains("--analyzer: expected host:port"));
        assertTrue(run(2, "stats", "--host", "h", "--metric", "m", "--analyzer", "h:99999")
                .contains("out of range"));
        assertTrue(run(2, "publish", "event", "-b", "127.0.0.1:1", "--from-json", "{bad")
                .contains("--from-json: not valid JSON"));
        assertTrue(run(2, "publish", "event", "-b", "127.0.0.1:1", "--from-json",
                "{\"kind\":\"x\",\"severity\":\"NOPE\"}")
                .contains("--from-json: HostEvent.severity: expected one of"));
        assertTrue(run(2, "publish", "event", "-b", "127.0.0.1:1", "--from-json", "[1]").contains("got array"));
        assertTrue(run(2, "publish", "raw", "-b", "127.0.0.1:1", "--topic", "vigil-metricz", "--value", "x")
                .contains("'vigil-metricz' is not a Vigil topic"));
    }

    @Test
    void shouldRefuseKeyFilesAndEndpointsThatCannotWorkAsConfiguration(@TempDir final Path dir) throws Exception {
        final Path analyzer = Files.writeString(dir.resolve("analyzer.properties"),
                "bootstrap.servers=127.0.0.1:1\nquery.endpoint=127.0.0.1:port\n");
        final String refused = run(3, "analyzer", "--config", analyzer.toString());
        assertTrue(refused.contains("analyzer.properties:2") && refused.contains("is not a number"), refused);
        final Path notAKey = Files.writeString(dir.resolve("engine.key"), "garbage\n");
        Files.writeString(dir.resolve("engine.key.pub"), "garbage\n");
        final Path worker = Files.writeString(dir.resolve("worker.properties"), String.join("\n",
                "bootstrap.servers=127.0.0.1:1", "worker.state.dir=" + dir.resolve("state"),
                "worker.command.public.key.file=" + dir.resolve("engine.key.pub"), ""));
        final String out = run(3, "worker", "--config", worker.toString());
        assertTrue(out.contains("engine.key.pub: not an Ed25519 public key") && out.contains(
                "worker.command.public.key.file"), out);
        final Path engine = Files.writeString(dir.resolve("engine.properties"), String.join("\n",
                "bootstrap.servers=127.0.0.1:1", "signing.key.file=" + notAKey, ""));
        final String wrongKey = run(3, "decision-engine", "--config", engine.toString());
        assertTrue(wrongKey.contains(engine + ":2: signing.key.file: " + notAKey + ": not an Ed25519 private key"),
                wrongKey);
        Files.delete(notAKey);
        final String noKey = run(3, "decision-engine", "--config", engine.toString());
        assertTrue(noKey.contains(engine + ":2: signing.key.file: " + notAKey + ": signing key not found"), noKey);
        // vigil local reads the same file through its own defaults: refused the same way, before any broker starts
        final Path local = dir.resolve("local");
        Files.createDirectories(local.resolve("config"));
        final Path localEngine = Files.writeString(local.resolve("config/decision-engine.properties"),
                "state.dir=" + local.resolve("state") + "\nsigning.key.file=" + notAKey + "\n");
        final String localNoKey = run(3, "local", "--dir", local.toString());
        assertTrue(localNoKey.contains(localEngine + ":2: signing.key.file: " + notAKey + ": signing key not found"),
                localNoKey);
    }

    @Test
    void shouldSayWhatIsWrongWithAFileNotJustItsPath(@TempDir final Path dir) throws Exception {
        final Path log = Files.writeString(dir.resolve("app.log"), "one line\n");
        // refused before the log is mined
        final String out = run(2, "logparse", "--input", log.toString(), "--out", dir.resolve("no/such/dir/x.csv")
                .toString());
        assertTrue(out.contains("no/such/dir/x.csv: no directory " + dir.resolve("no/such/dir")), out);
        // a failure when the CSV is written says what the system said
        final String isDirectory = run(1, "logparse", "--input", log.toString(), "--out", dir.toString());
        assertTrue(isDirectory.contains(dir + ": Is a directory"), isDirectory);
    }

    @Test
    void shouldReadDurationsTheWayOperatorsWriteThem() {
        final DurationConverter converter = new DurationConverter();
        assertEquals(Duration.ofMillis(500), converter.convert("500ms"));
        assertEquals(Duration.ofSeconds(30), converter.convert("30s"));
        assertEquals(Duration.ofMinutes(5), converter.convert("5m"));
        assertEquals(Duration.ofDays(1), converter.convert("1d"));
        assertEquals(Duration.ofSeconds(90), converter.convert("PT1M30S"));
        assertEquals(Duration.ofSeconds(90), converter.convert("1m30s"));
        final CommandLine.TypeConversionException e = org.junit.jupiter.api.Assertions.assertThrows(
                CommandLine.TypeConversionException.class, () -> converter.convert("soon"));
        assertTrue(e.getMessage().contains("'soon' is not a duration"));
    }
}
