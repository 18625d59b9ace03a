/**
 * Commands for workers: built from intents ({@link dev.vigil.decision.command.CommandFactory}) and
 * signed over their exact serialized bytes ({@link dev.vigil.decision.command.CommandSigner}).
 *
 * <p>Invariants: every command expires ({@code expiresAt}); a RESTORE onto the dataset's own path
 * carries {@code overwrite=true} and is only built after approval or the dataset's autoRestore.
 */
package dev.vigil.decision.command;
