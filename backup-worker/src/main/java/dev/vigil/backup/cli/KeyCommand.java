package dev.vigil.backup.cli;

import dev.vigil.backup.BackupException;
import dev.vigil.backup.backend.FileInfo;
import dev.vigil.backup.backend.FileType;
import dev.vigil.backup.backend.Handle;
import dev.vigil.backup.crypto.KeyFile;
import dev.vigil.backup.repository.Repository;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code vigil repo key}: passwords of a repository. */
@Command(name = "key", mixinStandardHelpOptions = true,
        description = {"Add, list and remove passwords. Each wraps the same master key: nothing is re-encrypted.",
            ExitCodes.HELP},
        subcommands = {KeyCommand.Add.class, KeyCommand.ListKeys.class, KeyCommand.Remove.class})
final class KeyCommand implements Runnable {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Add a password.")
    static final class Add extends RepoSubcommand {
        @Option(names = "--new-password-file", paramLabel = "FILE", description = "File whose first line is the new password (default: "
                + "asked twice on the terminal).")
        Path newPassword;

        @Option(names = "--kdf-n", defaultValue = "16384", description = "scrypt cost N (default: ${DEFAULT-VALUE}).")
        int kdfN;

        private static char[] prompt() {
            final java.io.Console console = System.console();
            if (console == null) {
                throw new IllegalArgumentException("no new password: give --new-password-file FILE (no terminal to "
                        + "ask on)");
            }
            final char[] first = console.readPassword("new password: ");
            final char[] again = first == null ? null : console.readPassword("enter the new password again: ");
            if (first == null || first.length == 0) {
                throw new IllegalArgumentException("empty new password");
            }
            if (!java.util.Arrays.equals(first, again)) {
                throw new dev.vigil.backup.BackupException("the new passwords do not match");
            }
            return first;
        }

        @Override
        int run() throws Exception {
            final char[] pw = newPassword != null ? RepoOptions.passwordFile(newPassword) : prompt();
            try (Repository r = repo.open()) {
                final String name = r.addKey(pw, kdfN, clock);
                if (json) {
                    printJson(Map.of("id", name));
                } else {
                    out.println("added key " + name.substring(0, 8));
                }
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List keys: id, host, user, created; "
            + "* marks the one the password opened.")
    static final class ListKeys extends RepoSubcommand {
        @Override
        int run() throws Exception {
            try (Repository r = repo.open()) {
                final List<Map<String, Object>> rows = new ArrayList<>();
                for (final FileInfo f : r.backend().list(FileType.KEY)) {
                    final Map<String, Object> row = new LinkedHashMap<>();
                    row.put("id", f.handle().name());
                    final KeyFile k;
                    try {
                        k = KeyFile.parse(Repository.loadWhole(r.backend(), f.handle()), f.handle().toString());
                    } catch (dev.vigil.backup.InvalidDataException e) {
                        // one damaged key file must not hide the others: it is listed, for 'key remove'
                        row.put("current", false);
                        row.put("damaged", e.getMessage());
                        rows.add(row);
                        continue;
                    } catch (java.nio.file.NoSuchFileException e) {
                        continue; // removed since the listing
                    }
                    row.put("current", f.handle().name().equals(r.keyName()));
                    row.put("host", k.host());
                    row.put("username", k.username());
                    row.put("created", k.created());
                    row.put("kdf", k.kdf() + " N=" + k.n() + " r=" + k.r() + " p=" + k.p());
                    rows.add(row);
                }
                // oldest first, as a directory listing would not give them
                rows.sort(java.util.Comparator.comparing((Map<String, Object> row) -> String.valueOf(row.get("created")))
                        .thenComparing(row -> row.get("id").toString()));
                if (json) {
                    printJson(rows);
                } else {
                    for (final Map<String, Object> row : rows) {
                        if (row.containsKey("damaged")) {
                            out.printf(" %s  damaged: %s%n", row.get("id").toString().substring(0, 8),
                                    row.get("damaged"));
                            continue;
                        }
                        out.printf("%s%s  %-12s %-10s %s  %s%n", (Boolean) row.get("current") ? "*" : " ",
                                row.get("id").toString().substring(0, 8), row.get("host"), row.get("username"),
                                row.get("created"), row.get("kdf"));
                    }
                }
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove a key (not the one in use).")
    static final class Remove extends RepoSubcommand {
        @Parameters(index = "0", paramLabel = "ID", description = "Key id or unique prefix.")
        String id;

        @Override
        int run() throws Exception {
            try (Repository r = repo.open()) {
                final List<FileInfo> matches = r.backend().list(FileType.KEY).stream()
                        .filter(f -> f.handle().name().startsWith(id)).toList();
                if (matches.size() != 1) {
                    throw new BackupException("key " + id + ": " + (matches.isEmpty() ? "not found" : "ambiguous"));
                }
                final Handle h = matches.get(0).handle();
                if (h.name().equals(r.keyName())) {
                    throw new BackupException("key " + h.shortName() + " is the one you opened the repository with; "
                            + "open with another password to remove it");
                }
                r.backend().remove(h);
                if (json) {
                    printJson(Map.of("removed", h.name()));
                } else {
                    out.println("removed key " + h.shortName());
                }
            }
            return ExitCodes.OK;
        }
    }
}
