/**
 * Wiring: the analyzer's configuration ({@link dev.vigil.analyzer.app.AnalyzerConfig}), its
 * Kafka Streams topology ({@link dev.vigil.analyzer.app.AnalyzerTopology}, built by one static
 * method the tests reuse) and the running service ({@link dev.vigil.analyzer.app.AnalyzerService}:
 * exactly-once, dead-letter handlers, query endpoint; returns once RUNNING).
 */
package dev.vigil.analyzer.app;
