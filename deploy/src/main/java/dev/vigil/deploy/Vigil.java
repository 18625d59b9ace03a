package dev.vigil.deploy;

import dev.vigil.backup.cli.JsonUsageErrors;
import dev.vigil.backup.cli.PathArguments;
import dev.vigil.backup.cli.VersionProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.UsageMessageSpec;

/** {@code vigil}: the entry point of every command. */
@Command(name = "vigil",
        description = {
            "Vigil watches hosts through Kafka and decides when and how to back up their data.",
            "",
            "Start with 'vigil demo'. Every command has --help.",
            "Exit codes: 0 success, 1 the operation failed, 2 bad usage, 3 configuration refused; a command with "
                + "others (vigil status, vigil repo...) lists them in its --help."},
        mixinStandardHelpOptions = true,
        subcommands = {
            // Run it
            dev.vigil.deploy.demo.DemoCommand.class,
            dev.vigil.deploy.local.LocalCommand.class,
            BrokerCommand.class,
            TopicsCommand.class,
            KeysCommand.class,
            // The services
            dev.vigil.collector.cli.CollectorCommand.class,
            dev.vigil.analyzer.cli.AnalyzerCommand.class,
            dev.vigil.decision.cli.DecisionEngineCommand.class,
            dev.vigil.backup.cli.WorkerCommand.class,
            // Operate it
            PublishCommand.class,
            WatchCommand.class,
            dev.vigil.deploy.status.StatusCommand.class,
            dev.vigil.analyzer.cli.StatsCommand.class,
            dev.vigil.decision.cli.DatasetsCommand.class,
            dev.vigil.decision.cli.ApproveCommand.class,
            dev.vigil.decision.cli.RejectCommand.class,
            dev.vigil.decision.cli.DecideCommand.class,
            dev.vigil.backup.cli.RepoCommand.class,
            // Measure it
            dev.vigil.analyzer.cli.NabCommand.class,
            dev.vigil.analyzer.cli.NabScoreCommand.class,
            dev.vigil.analyzer.cli.LogParseCommand.class,
            dev.vigil.analyzer.cli.LogParseEvalCommand.class,
            dev.vigil.analyzer.cli.LogParseBenchCommand.class,
            dev.vigil.analyzer.cli.BenchCommand.class,
            CommandLine.HelpCommand.class,
        })
public final class Vigil implements Runnable {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    /**
     * @param args command line
     */
    public static void main(final String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** Headings of the command list, by the first command of each group (the order of {@code subcommands}). */
    private static final Map<String, String> GROUPS = Map.of("demo", "Run it", "collector", "The services",
            "publish", "Operate it", "nab", "Measure it");

    /** @return the configured command line, for main and for tests */
    public static CommandLine commandLine() {
        final CommandLine commandLine = JsonUsageErrors.applyTo(VersionProvider.applyTo(PathArguments.applyTo(
                new CommandLine(new Vigil()))));
        listCommandsBySentence(commandLine);
        return commandLine
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setUsageHelpAutoWidth(true) // the terminal's width when there is one, else 80 columns
                .setUsageHelpLongOptionsMaxWidth(32)
                .registerConverter(java.time.Duration.class, new DurationConverter())
                .setExecutionExceptionHandler(new ErrorHandler());
    }

    /**
     * Every command that has subcommands lists them by {@link #commandList}, and every description is reflowed:
     * picocli starts a new line at each element of a description, so a sentence that the source splits across
     * elements would print broken mid-sentence.
     */
    private static void listCommandsBySentence(final CommandLine command) {
        final UsageMessageSpec usage = command.getCommandSpec().usageMessage();
        usage.description(reflow(usage.description()));
        if (!command.getSubcommands().isEmpty()) {
            command.getHelpSectionMap().put(UsageMessageSpec.SECTION_KEY_COMMAND_LIST, Vigil::commandList);
            command.getSubcommands().values().forEach(Vigil::listCommandsBySentence);
        }
    }

    /**
     * @param lines a description as written in the source
     * @return the same with each line that does not end a sentence joined to the next one; blank lines, indented
     *     lines (examples) and the lines that follow them stay as they are
     */
    static String[] reflow(final String[] lines) {
        final List<String> out = new ArrayList<>();
        for (final String line : lines) {
            final int last = out.size() - 1;
            if (last >= 0 && continues(out.get(last)) && !line.isBlank() && !line.startsWith(" ")) {
                out.set(last, out.get(last).stripTrailing() + " " + line.strip());
            } else {
                out.add(line);
            }
        }
        return out.toArray(String[]::new);
    }

    private static boolean continues(final String line) {
        final String text = line.strip();
        return !text.isEmpty() && !line.startsWith(" ") && !text.startsWith("Example") && !endsSentence(text)
                && !text.endsWith("%n");
    }

    /** @return whether the text ends with a sentence's end, also inside a closing parenthesis: "done." "(done.)" */
    static boolean endsSentence(final String text) {
        final String t = text.endsWith(")") ? text.substring(0, text.length() - 1) : text;
        return !t.isEmpty() && ".:!?".indexOf(t.charAt(t.length() - 1)) >= 0;
    }

    /**
     * The command list: each command's first sentence, wrapped, under its group's heading (picocli's
     * own list shows the first description line, which is often half a sentence).
     */
    private static String commandList(final Help help) {
        final int nameWidth = help.subcommands().keySet().stream().mapToInt(String::length).max().orElse(0) + 2;
        final int width = Math.max(40, help.commandSpec().usageMessage().width() - nameWidth - 2);
        final StringBuilder out = new StringBuilder();
        help.subcommands().forEach((name, sub) -> {
            final String heading = GROUPS.get(name);
            if (heading != null) {
                out.append(out.length() == 0 ? "" : "\n").append(heading).append(":\n");
            }
            String pad = "  " + name + " ".repeat(nameWidth - name.length());
            final StringBuilder line = new StringBuilder();
            final UsageMessageSpec usage = sub.commandSpec().usageMessage();
            final String summary = firstSentence(usage.header().length > 0 ? usage.header() : usage.description());
            for (final String word : summary.split(" ")) {
                if (line.length() > 0 && line.length() + 1 + word.length() > width) {
                    out.append(pad).append(line).append('\n');
                    pad = " ".repeat(nameWidth + 2);
                    line.setLength(0);
                }
                line.append(line.length() == 0 ? "" : " ").append(word);
            }
            out.append(pad).append(line).append('\n');
        });
        return out.toString();
    }

    private static String firstSentence(final String[] description) {
        // A line that ends with a colon introduces examples: the summary ends there.
        final StringBuilder lines = new StringBuilder();
        for (final String line : description) {
            lines.append(' ').append(line);
            if (line.strip().endsWith(":")) {
                lines.setLength(lines.length() - 1 - (line.length() - line.stripTrailing().length()));
                lines.append('.');
                break;
            }
        }
        final String text = lines.toString().replace("%n", " ").replace("%%", "%").replaceAll("\\s+", " ").trim();
        int end = text.indexOf(". ");
        while (end >= 0 && (text.startsWith("e.g", end - 3) || text.startsWith("i.e", end - 3))) {
            end = text.indexOf(". ", end + 2);
        }
        return end < 0 ? text : text.substring(0, end + 1);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
