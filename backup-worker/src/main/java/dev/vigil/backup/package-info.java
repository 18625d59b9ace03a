/**
 * Vigil's backup engine and worker. Packages follow the data flow: {@code backend} (a dumb store
 * of named files) → {@code crypto} → {@code pack} → {@code index} → {@code repository}; {@code
 * chunker}, {@code snapshot}, {@code archiver}, {@code restorer}, {@code checker}, {@code
 * migration}, {@code retention} and {@code lock} sit on top; {@code worker} and {@code app} adapt it
 * to Kafka commands, {@code cli} to the command line. The format is in {@code FORMAT.md}.
 *
 * <p>Failures are {@link dev.vigil.backup.BackupException}s that name the object they concern.
 */
package dev.vigil.backup;
