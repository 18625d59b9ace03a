package dev.vigil.deploy;

import dev.vigil.backup.app.TrustedKeys;
import dev.vigil.schemas.security.CommandSignature;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.crypto.util.SubjectPublicKeyInfoFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vigil keys}: the Ed25519 key pair that signs commands. */
@Command(name = "keys", mixinStandardHelpOptions = true,
        description = "Manage the key pair the decision engine signs commands with.",
        subcommands = {KeysCommand.Generate.class, KeysCommand.PublicKeyOf.class, KeysCommand.Id.class})
final class KeysCommand implements Runnable {
    @picocli.CommandLine.Spec
    private picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "generate", mixinStandardHelpOptions = true,
            description = "Write a new Ed25519 key pair: the private key to --out (mode 0600), for the decision "
                + "engine's signing.key.file, and the public key beside it as <out>.pub, for every worker's "
                + "worker.command.public.key.file.")
    static final class Generate implements Callable<Integer> {
        @Option(names = "--out", defaultValue = "${user.home}/.vigil/keys/decision-engine.key",
                description = "Private key file (default: ${DEFAULT-VALUE}).")
        Path out;

        @Option(names = "--force", description = "Replace existing key files.")
        boolean force;

        @Override
        public Integer call() throws Exception {
            if (Files.exists(out) && !force) {
                throw new IllegalStateException(out + " exists; use --force to replace it (workers holding the old "
                        + "public key will then refuse new commands); to change keys without that, write the new pair "
                        + "under another name (README, 'Rotating the signing key')");
            }
            final KeyPair pair = CommandSignature.generate();
            CommandSignature.write(pair, out);
            System.out.println("private key: " + out);
            System.out.println("public key:  " + CommandSignature.publicFileFor(out));
            System.out.println("key id:      " + CommandSignature.keyId(pair.getPublic()));
            return 0;
        }
    }

    @Command(name = "public", mixinStandardHelpOptions = true,
            description = "Write the public key of an existing private key again (e.g. after its .pub was lost or "
                + "overwritten), as <key>.pub, and print its key id: the id workers name when they refuse a command.")
    static final class PublicKeyOf implements Callable<Integer> {
        @Option(names = "--key", defaultValue = "${user.home}/.vigil/keys/decision-engine.key",
                description = "Private key file (default: ${DEFAULT-VALUE}).")
        Path key;

        @Option(names = "--force", description = "Replace a .pub that belongs to another key.")
        boolean force;

        @Override
        public Integer call() throws Exception {
            final PublicKey derived = publicOf(CommandSignature.readPrivate(key));
            final Path file = CommandSignature.publicFileFor(key);
            final String id = CommandSignature.keyId(derived);
            if (Files.exists(file) && !force) {
                final String existing = CommandSignature.keyId(CommandSignature.readPublic(file));
                if (!existing.equals(id)) {
                    throw new IllegalStateException(file + " holds key id " + existing + ", not this key's " + id
                            + "; use --force to replace it");
                }
                System.out.println("public key:  " + file + " (already this key's)");
            } else {
                CommandSignature.writePublic(derived, file);
                System.out.println("public key:  " + file);
            }
            System.out.println("key id:      " + id);
            return 0;
        }

        /** Ed25519's public key is a function of the private one; the JDK does not expose it, Bouncy Castle does. */
        static PublicKey publicOf(final PrivateKey key) throws java.io.IOException, GeneralSecurityException {
            final var parameters = (Ed25519PrivateKeyParameters) PrivateKeyFactory.createKey(key.getEncoded());
            final byte[] encoded = SubjectPublicKeyInfoFactory
                    .createSubjectPublicKeyInfo(parameters.generatePublicKey()).getEncoded();
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(encoded));
        }
    }

    @Command(name = "id", mixinStandardHelpOptions = true,
            description = {"Print the key id of each key file: a public key (.pub, as the workers hold) or a private "
                + "key (the id of its public key). The id is what each command carries and what a worker names when "
                + "it refuses one: it tells which file of worker.command.public.key.file holds which key.",
                "One line per file: ID public|private FILE, or '- none FILE' for a file that says none (a worker's "
                + "slot for the next key). A public key or none is checked as a worker checks it. Exit codes: 0 "
                + "every file is a key or none, 1 one is neither, or is a public key or none that every user may "
                + "write, which a worker refuses (named; nothing is printed), 2 bad usage."})
    static final class Id implements Callable<Integer> {
        @picocli.CommandLine.Parameters(paramLabel = "FILE", arity = "1..*", description = "Key files.")
        List<Path> files;

        @Option(names = "--json", description = "One JSON array of {file, keyId, kind}, kind public, private or none "
                + "(keyId null).")
        boolean json;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            final List<Map<String, String>> rows = new ArrayList<>();
            for (final Path file : files) {
                final Map<String, String> row = new LinkedHashMap<>();
                row.put("file", file.toString());
                try {
                    // the worker's own checks, so that a file this prints is one a worker takes (none or o+w too)
                    final PublicKey key = TrustedKeys.readOne(file);
                    row.put("keyId", key == null ? null : CommandSignature.keyId(key));
                    row.put("kind", key == null ? TrustedKeys.NO_KEY : "public");
                } catch (java.io.IOException notForAWorker) {
                    try {
                        final PrivateKey key = CommandSignature.readPrivate(file);
                        row.put("keyId", CommandSignature.keyId(PublicKeyOf.publicOf(key)));
                        row.put("kind", "private");
                    } catch (java.io.IOException notPrivate) {
                        throw notForAWorker; // it names the file and why (missing, not a key, o+w...)
                    }
                }
                rows.add(row);
            }
            final java.io.PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(TopicsCommand.Json.MAPPER.writeValueAsString(rows));
            } else {
                rows.forEach(r -> out.println(java.util.Objects.requireNonNullElse(r.get("keyId"), "-") + " "
                        + r.get("kind") + " " + r.get("file")));
            }
            out.flush();
            return 0;
        }
    }
}
