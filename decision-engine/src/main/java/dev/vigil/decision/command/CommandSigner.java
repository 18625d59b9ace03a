package dev.vigil.decision.command;

import dev.vigil.schemas.BackupCommand;
import dev.vigil.schemas.security.CommandSignature;
import dev.vigil.schemas.security.FileModes;
import dev.vigil.schemas.serde.AvroSerde;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.PrivateKey;
import java.security.PublicKey;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serializes commands and signs the exact bytes (Ed25519, {@link CommandSignature}): the worker
 * verifies the signature over the value it receives, so the bytes signed must be the bytes sent.
 */
public final class CommandSigner {
    private static final Logger LOG = LoggerFactory.getLogger(CommandSigner.class);
    private static final AvroSerde<BackupCommand> SERDE = AvroSerde.of(BackupCommand.class);
    private final PrivateKey key;
    private final String keyId;

    /**
     * @param key the engine's private key
     * @param keyId the id of the matching public key
     */
    public CommandSigner(final PrivateKey key, final String keyId) {
        this.key = key;
        this.keyId = keyId;
    }

    /**
     * Reads the key pair and says which key signs (the one place an operator changing keys sees it).
     *
     * @param privateFile the private key file; its public key must be beside it ({@code NAME.pub})
     * @return a signer
     * @throws ConfigException naming the file when a key cannot be read (the service exits 3)
     */
    public static CommandSigner open(final Path privateFile) {
        final CommandSigner signer = read(privateFile);
        LOG.info("commands are signed with {} (key id {})", privateFile, signer.keyId);
        return signer;
    }

    /**
     * Reads the key pair without a word: a configuration check.
     *
     * @param privateFile the private key file; its public key must be beside it ({@code NAME.pub})
     * @return a signer
     * @throws ConfigException naming the file when a key cannot be read
     */
    public static CommandSigner read(final Path privateFile) {
        final Path publicFile = CommandSignature.publicFileFor(privateFile);
        if (!Files.isReadable(privateFile)) {
            throw new ConfigException(privateFile + ": signing key not found or not readable; create a key pair "
                    + "with 'vigil keys generate'");
        }
        final PrivateKey key;
        try {
            key = CommandSignature.readPrivate(privateFile);
        } catch (IOException e) {
            throw new ConfigException(e.getMessage());
        }
        refuseOpenToOthers(privateFile);
        final PublicKey pub;
        try {
            pub = CommandSignature.readPublic(publicFile);
        } catch (IOException e) {
            throw new ConfigException(e.getMessage() + " (the public key must be beside the private one: "
                    + publicFile + "; 'vigil keys public --key " + privateFile + "' writes it again)");
        }
        // The workers are given the .pub: one from another pair would have them refuse every command.
        final byte[] probe = "vigil key pair check".getBytes(StandardCharsets.UTF_8);
        final Headers headers = new RecordHeaders();
        final String keyId = CommandSignature.keyId(pub);
        CommandSignature.sign(probe, key, keyId, headers);
        if (!CommandSignature.verify(probe, headers, pub)) {
            throw new ConfigException(publicFile + " (key id " + keyId + ") is not the public key of " + privateFile
                    + ": the workers, given it, would refuse every command; write the matching .pub with 'vigil keys "
                    + "public --force --key " + privateFile + "', or create a new pair with 'vigil keys generate "
                    + "--force' and give the workers its .pub");
        }
        return new CommandSigner(key, keyId);
    }

    /**
     * Every worker obeys what this key signs: a key any user of the host can read lets each of them sign restores
     * over live data (ssh refuses such a private key too). Checked once the file is known to hold a key, so that a
     * wrong file is named as that first. A group is the operator's choice (a service group sharing a key it owns).
     */
    private static void refuseOpenToOthers(final Path privateFile) {
        FileModes.grantsOthers(privateFile, PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE)
                .ifPresent(mode -> {
                    throw new ConfigException(privateFile + ": readable or writable by every user of this host (mode "
                            + mode + "): any of them could sign commands the workers obey; 'chmod 600 " + privateFile
                            + "', and if others may have copied it, make a new pair ('vigil keys generate --force') "
                            + "and give the workers its .pub");
                });
    }

    /** @return the id of the key commands are signed with */
    public String keyId() {
        return keyId;
    }

    /**
     * @param command the command
     * @param topic the topic it goes to
     * @param headers the message's headers; the signature headers are set on them
     * @return the serialized value, exactly the bytes signed
     */
    public byte[] sign(final BackupCommand command, final String topic, final Headers headers) {
        final byte[] value = SERDE.serialize(topic, command);
        CommandSignature.sign(value, key, keyId, headers);
        return value;
    }
}
