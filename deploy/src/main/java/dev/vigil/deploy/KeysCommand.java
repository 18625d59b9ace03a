package dev.vigil.deploy;

import dev.vigil.schemas.security.CommandSignature;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vigil keys}: the Ed25519 key pair that signs commands. */
@Command(name = "keys", mixinStandardHelpOptions = true,
        description = "Manage the key pair the decision engine signs commands with.",
        subcommands = KeysCommand.Generate.class)
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
                        + "public key will then refuse new commands)");
            }
            final KeyPair pair = CommandSignature.generate();
            CommandSignature.write(pair, out);
            System.out.println("private key: " + out);
            System.out.println("public key:  " + CommandSignature.publicFileFor(out));
            System.out.println("key id:      " + CommandSignature.keyId(pair.getPublic()));
            return 0;
        }
    }
}
