/**
 * The agent's configuration ({@link dev.vigil.collector.app.CollectorConfig}, every key with type,
 * default and doc) and its wiring ({@link dev.vigil.collector.app.CollectorService}): one spool, one
 * sender, and the readers that feed them. Several services may share a JVM; none owns global state.
 */
package dev.vigil.collector.app;
