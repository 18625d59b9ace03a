package dev.vigil.backup.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.schemas.security.CommandSignature;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A worker's file names each dataset's exclude file; a bad pattern there refuses the start, naming its line. */
class WorkerConfigTest {
    @TempDir
    Path dir;

    private Path config(final String excludeFile) throws Exception {
        if (!Files.exists(dir.resolve("key.pub"))) {
            CommandSignature.write(CommandSignature.generate(), dir.resolve("key"));
        }
        return Files.writeString(dir.resolve("worker.properties"), String.join("\n",
                "bootstrap.servers=localhost:9092",
                "worker.datasets=ds,other",
                "dataset.ds.path=" + dir.resolve("ds"),
                "dataset.ds.repository=" + dir.resolve("repo"),
                "dataset.ds.password.file=" + dir.resolve("pw"),
                "dataset.ds.exclude.file=" + excludeFile,
                "dataset.other.path=" + dir.resolve("other"),
                "dataset.other.repository=" + dir.resolve("repo2"),
                "dataset.other.password.file=" + dir.resolve("pw"),
                "worker.command.public.key.file=" + dir.resolve("key.pub")) + "\n");
    }

    private static dev.vigil.schemas.DatasetSpec spec(final String id, final String host, final Path path,
                                                      final Path repository) {
        return dev.vigil.schemas.DatasetSpec.newBuilder().setId(id).setHost(host).setTime(java.time.Instant.EPOCH)
                .setPath(path.toString()).setRepository(repository.toString()).build();
    }

    @Test
    void shouldRefuseTheKafkaSettingsExactlyOnceExecutionRestsOnWithTheirLine() throws Exception {
        final Path file = Files.writeString(dir.resolve("k.properties"), "worker.command.public.key.file=/k.pub\n"
                + "kafka.group.id=mine\nkafka.isolation.level=read_uncommitted\nkafka.fetch.max.bytes=1048576\n");
        final String message = assertThrows(ConfigException.class, () -> dev.vigil.schemas.config.ConfigFile.read(
                file, WorkerConfig.CONFIG)).getMessage();
        assertTrue(message.contains("k.properties:2: kafka.group.id is set by Vigil")
                && message.contains("k.properties:3: kafka.isolation.level is set by Vigil")
                && !message.contains(":4:"), message);
    }

    @Test
    void saysWhereTheRegistryAndTheWorkersOwnDatasetsDisagree() throws Exception {
        dev.vigil.backup.TestRepos.passwordFile(dir.resolve("pw"), "secret");
        Files.writeString(dir.resolve("excludes"), "");
        final WorkerConfig config = WorkerConfig.read(Files.writeString(dir.resolve("worker.properties"),
                Files.readString(config(dir.resolve("excludes").toString())) + "host.name=web-1\n"));
        final java.util.Map<String, dev.vigil.schemas.DatasetSpec> registry = java.util.Map.of(
                "ds", spec("ds", "web-1", dir.resolve("elsewhere"), dir.resolve("repo/")),
                "db", spec("db", "web-1", dir.resolve("db"), dir.resolve("repo3")),
                "mail", spec("mail", "web-2", dir.resolve("mail"), dir.resolve("repo4")));

        final List<String> found = RegistryCheck.disagreements(config, registry);

        assertEquals(3, found.size(), found.toString());
        assertTrue(found.get(0).startsWith("dataset ds: the registry says path " + dir.resolve("elsewhere")
                + ", this worker's dataset.ds.path says " + dir.resolve("ds")), found.get(0));
        assertTrue(found.get(1).startsWith("dataset other is served here but not registered"), found.get(1));
        assertTrue(found.get(2).startsWith("dataset db is registered for this host but not served here"),
                found.get(2));
        assertEquals(List.of(), RegistryCheck.disagreements(config, java.util.Map.of(
                "ds", spec("ds", "web-1", dir.resolve("ds"), dir.resolve("repo")),
                "other", spec("other", "web-1", dir.resolve("other/"), dir.resolve("repo2")))),
                "the same places, however written");
    }

    @Test
    void readsEachDatasetsExcludeFileAndRefusesABadPattern() throws Exception {
        dev.vigil.backup.TestRepos.passwordFile(dir.resolve("pw"), "secret");
        final Path excludes = Files.write(dir.resolve("excludes"), List.of("# caches", "*.tmp", "/cache"));
        final WorkerConfig ok = WorkerConfig.read(config(excludes.toString()));
        assertEquals(List.of("*.tmp", "/cache"), ok.excludes("ds").patterns());
        assertTrue(ok.excludes("other").isEmpty());

        Files.write(excludes, List.of("*.tmp", "cache/{a,b"));
        final ConfigException e = assertThrows(ConfigException.class, () -> WorkerConfig.read(config(
                excludes.toString())));
        assertTrue(e.getMessage().contains("dataset.ds.exclude.file: exclude file " + excludes + ":2: "),
                e.getMessage());
        assertTrue(assertThrows(ConfigException.class, () -> WorkerConfig.read(config(dir.resolve("none")
                .toString()))).getMessage().contains("cannot read"));
        final ConfigException marker = assertThrows(ConfigException.class, () -> WorkerConfig.read(Files.writeString(
                dir.resolve("worker.properties"), Files.readString(config(excludes.toString())).replace(
                "dataset.ds.exclude.file=" + excludes, "dataset.ds.exclude.if.present=CACHEDIR.TAG, a/b"))));
        assertTrue(marker.getMessage().contains("dataset.ds.exclude.if.present: exclude marker 'a/b'"),
                marker.getMessage());
        // the dataset's own path: refused at the start, not at each backup
        Files.write(excludes, List.of(dir.resolve("ds") + "/"));
        assertTrue(assertThrows(ConfigException.class, () -> WorkerConfig.read(config(excludes.toString())))
                .getMessage().contains("would leave out the whole dataset"));
    }

    @Test
    void refusesRelativePathsAMissingPasswordFileAndADatasetNamedTwice() throws Exception {
        final Path file = config("");
        final String text = Files.readString(file);
        assertTrue(assertThrows(ConfigException.class, () -> WorkerConfig.read(file)).getMessage()
                .contains("dataset.ds.password.file: cannot read"), "the password file does not exist yet");
        dev.vigil.backup.TestRepos.passwordFile(dir.resolve("pw"), "secret");
        WorkerConfig.read(file);
        Files.writeString(file, text.replace("dataset.ds.repository=" + dir.resolve("repo"), "dataset.ds.repository=repo"));
        assertTrue(assertThrows(ConfigException.class, () -> WorkerConfig.read(file)).getMessage()
                .contains("dataset.ds.repository must be an absolute path"));
        Files.writeString(file, text.replace("worker.datasets=ds,other", "worker.datasets=ds,other,ds"));
        assertTrue(assertThrows(ConfigException.class, () -> WorkerConfig.read(file)).getMessage()
                .contains("worker.datasets names ds twice"));
        assertTrue(assertThrows(ConfigException.class, () -> WorkerConfig.read(dir.resolve("none.properties")))
                .getMessage().endsWith("cannot read: no such file or directory"));
    }

    @Test
    void shouldRefuseEachPublicKeyFileThatCannotBeTrustedNamingItAndItsLine() throws Exception {
        dev.vigil.backup.TestRepos.passwordFile(dir.resolve("pw"), "secret");
        final Path file = config("");
        final Path engineKey = dir.resolve("keys/engine.key");
        CommandSignature.write(CommandSignature.generate(), engineKey);
        final Path pub = CommandSignature.publicFileFor(engineKey);
        final Path copy = Files.copy(pub, dir.resolve("keys/copy.pub"));
        final Path garbage = Files.writeString(dir.resolve("keys/garbage.pub"), "bm90IGEga2V5\n");
        final String where = file + ":10: ";

        assertTrue(refusal(file, dir.resolve("missing.pub")).startsWith(where + dir.resolve("missing.pub")
                + ": no such file or directory"), refusal(file, dir.resolve("missing.pub")));
        assertTrue(refusal(file, dir.resolve("keys")).startsWith(where + dir.resolve("keys") + ": "),
                refusal(file, dir.resolve("keys")));
        assertTrue(refusal(file, garbage).startsWith(where + garbage + ": not an Ed25519 public key"),
                refusal(file, garbage));
        final String given = refusal(file, engineKey);
        assertTrue(given.startsWith(where + engineKey + ": a private key, where its public key belongs")
                && given.contains("'vigil keys public --key " + engineKey + "'")
                && given.endsWith("(" + WorkerConfig.PUBLIC_KEY_CONFIG + ")"), given);
        final String twice = refusal(file, pub + "," + copy);
        assertTrue(twice.startsWith(where + copy + ": the same key (key id "
                + CommandSignature.keyId(CommandSignature.readPublic(pub)) + ") as another file listed"), twice);
        // every wrong file at once, on the key's line
        final String both = refusal(file, pub + "," + dir.resolve("missing.pub") + "," + engineKey);
        assertTrue(both.startsWith(where + dir.resolve("missing.pub") + ": no such file") && both.contains("; "
                + engineKey + ": a private key") && !both.contains("\n"), both);

        Files.writeString(file, Files.readString(file).replaceAll("(?m)^worker.command.public.key.file=.*$",
                "worker.command.public.key.file=" + dir.resolve("key.pub") + ", " + pub));
        assertEquals(2, WorkerConfig.read(file).trustedKeys().size(), "two files, two keys");
    }

    private static String refusal(final Path file, final Object keys) throws Exception {
        Files.writeString(file, Files.readString(file).replaceAll("(?m)^worker.command.public.key.file=.*$",
                "worker.command.public.key.file=" + keys));
        return assertThrows(ConfigException.class, () -> WorkerConfig.read(file)).getMessage();
    }

    @Test
    void shouldRefuseToStartWithAPublicKeyEveryUserOfTheHostCanReplace() throws Exception {
        final Path key = dir.resolve("engine.key");
        dev.vigil.schemas.security.CommandSignature.write(dev.vigil.schemas.security.CommandSignature.generate(), key);
        final Path pub = dev.vigil.schemas.security.CommandSignature.publicFileFor(key);
        Files.setPosixFilePermissions(pub, java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw-rw-"));
        final java.util.Map<String, String> m = new java.util.HashMap<>(java.util.Map.of(
                "bootstrap.servers", "127.0.0.1:1", "worker.state.dir", dir.resolve("state").toString(),
                "worker.command.public.key.file", pub.toString()));

        final String message = assertThrows(ConfigException.class, () -> WorkerService.start(new WorkerConfig(m)))
                .getMessage();

        assertTrue(message.contains("engine.key.pub: writable by every user") && message.contains(
                WorkerConfig.PUBLIC_KEY_CONFIG), message);
    }

    @Test
    void shouldRefuseAPasswordFileEveryUserMayReadOrWriteAsTheSigningKeyIsRefused() throws Exception {
        final Path pw = dev.vigil.backup.TestRepos.passwordFile(dir.resolve("pw"), "secret");
        Files.writeString(dir.resolve("excludes"), "");
        final Path file = config(dir.resolve("excludes").toString());
        Files.setPosixFilePermissions(pw, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));

        final String refused = assertThrows(ConfigException.class, () -> WorkerConfig.read(file)).getMessage();

        assertTrue(refused.contains("dataset.ds.password.file: " + pw + ": readable or writable by every user of this "
                + "host (mode rw-r--r--)") && refused.contains("'chmod 600 " + pw + "'"), refused);
        // its group is the operator's choice, as for the signing key
        Files.setPosixFilePermissions(pw, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r-----"));
        WorkerConfig.read(file);
        final Path offsite = dev.vigil.backup.TestRepos.passwordFile(dir.resolve("offsite.pw"), "other");
        Files.setPosixFilePermissions(offsite, java.nio.file.attribute.PosixFilePermissions.fromString("rw-----w-"));
        Files.writeString(file, "dataset.ds.offsite.password.file=" + offsite + "\n", java.nio.file.StandardOpenOption.APPEND);
        assertTrue(assertThrows(ConfigException.class, () -> WorkerConfig.read(file)).getMessage()
                .contains("dataset.ds.offsite.password.file: " + offsite + ": readable or writable by every user"));
    }
}
