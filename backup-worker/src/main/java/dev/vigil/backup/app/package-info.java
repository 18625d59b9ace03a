/**
 * The worker as a service: its settings ({@link dev.vigil.backup.app.WorkerConfig}) and its
 * lifecycle ({@link dev.vigil.backup.app.WorkerService#start}, {@code close()}), so that {@code
 * vigil worker}, {@code vigil local} and {@code vigil demo} run it the same way; the keys it obeys
 * ({@link dev.vigil.backup.app.TrustedKeys}), read again when their files change.
 */
package dev.vigil.backup.app;
