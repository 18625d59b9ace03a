/**
 * The command line of the backup engine ({@code vigil repo ...}) and of the worker ({@code vigil
 * worker}): thin picocli commands over the engine's packages, with {@code --json} output and
 * restic's exit codes ({@link dev.vigil.backup.cli.ExitCodes}).
 */
package dev.vigil.backup.cli;
