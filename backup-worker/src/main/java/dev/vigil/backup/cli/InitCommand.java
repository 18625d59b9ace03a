package dev.vigil.backup.cli;

import dev.vigil.backup.backend.FileType;
import dev.vigil.backup.backend.Handle;
import dev.vigil.backup.backend.LocalBackend;
import dev.vigil.backup.crypto.KeyFile;
import dev.vigil.backup.repository.RepoConfig;
import dev.vigil.backup.repository.Repository;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vigil repo init}. */
@Command(name = "init", mixinStandardHelpOptions = true,
        description = {"Create an encrypted repository in an empty or missing directory.",
            "Chunks: FastCDC, average 1 MiB by default (min avg/4, max avg*4); zstd; AES-256-GCM; "
                + "the password wraps a random master key with scrypt.", ExitCodes.HELP})
final class InitCommand extends RepoSubcommand {
    @Option(names = "--chunk-size", defaultValue = "1048576",
            description = "Average chunk size in bytes, a power of 2 in [64 KiB, 8 MiB] (default: ${DEFAULT-VALUE}).")
    int chunkAvg;

    @Option(names = "--compression-level", defaultValue = "3",
            description = "zstd level 1..19 (default: ${DEFAULT-VALUE}); higher is smaller and slower.")
    int level;

    @Option(names = "--pack-size", defaultValue = "16", description = "Pack size in MiB (default: ${DEFAULT-VALUE}); "
            + "a pack of small blobs is closed earlier, at " + dev.vigil.backup.index.IndexFile.MAX_BLOBS + " blobs, "
            + "the most one index file lists.")
    int packMiB;

    @Option(names = "--kdf-n", defaultValue = "16384",
            description = "scrypt cost N, a power of 2 (default: ${DEFAULT-VALUE}: 16 MiB with r=8; each doubling "
                    + "doubles the memory and time an attacker needs per password guess).")
    int kdfN;

    @Override
    int run() throws Exception {
        if (Files.exists(repo.dir(), java.nio.file.LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(repo.dir())) {
            throw new IllegalArgumentException("init: " + repo.dir() + " is a file; a repository goes in an empty or "
                    + "missing directory");
        }
        if (Files.isDirectory(repo.dir()) && !Files.exists(repo.dir().resolve(Handle.MARKER.name()))) {
            final java.util.List<Path> entries;
            try (java.util.stream.Stream<Path> list = Files.list(repo.dir())) {
                // a fresh file system's lost+found is not data
                entries = list.filter(e -> !e.getFileName().toString().equals("lost+found")).toList();
            }
            // what an init killed before its first file was in place leaves: its own temporary files
            final java.util.List<Path> killed = entries.stream()
                    .filter(e -> e.getFileName().toString().startsWith(LocalBackend.TMP_PREFIX)
                            && Files.isRegularFile(e)).toList();
            if (killed.size() < entries.size()) {
                final java.util.Set<String> repositoryNames = new java.util.HashSet<>(java.util.Arrays.stream(
                        FileType.values()).map(FileType::dir).toList());
                repositoryNames.add(Handle.CONFIG.name());
                final boolean ours = entries.stream().allMatch(e -> repositoryNames.contains(e.getFileName().toString())
                        || killed.contains(e));
                throw new IllegalArgumentException("init: " + repo.dir() + " is not empty; a repository goes in an "
                        + "empty or missing directory" + (ours ? " (it holds a repository's files but not its marker "
                        + "file, " + Handle.MARKER.name() + ": an init that was stopped? If nothing was ever backed up "
                        + "into it, remove it and init again)" : ""));
            }
            for (final Path tmp : killed) {
                Files.deleteIfExists(tmp);
            }
        }
        final char[] password = repo.password("enter password for new repository: ", true);
        try (Repository r = Repository.init(repo.backend(), password, RepoConfig.create(chunkAvg, level,
                packMiB << 20), kdfN == 0 ? KeyFile.DEFAULT_N : kdfN, clock)) {
            if (json) {
                final Map<String, Object> o = new LinkedHashMap<>();
                o.put("repository", repo.dir().toAbsolutePath().toString());
                o.put("id", r.config().id());
                o.put("key", r.keyName());
                printJson(o);
            } else {
                out.println("created repository " + r.config().id().substring(0, 10) + " at " + repo.dir());
                out.println("Keep the password: without it the data cannot be read.");
            }
        }
        return ExitCodes.OK;
    }
}
