/**
 * {@code vigil bench analyzer}: realistic metric records on a real broker, and in the same run the raw consume
 * rate, a pass-through Kafka Streams app (exactly-once, parse and re-serialize) and the analyzer topology on
 * them, then publish-to-anomaly latency at a fixed rate. Figures are ratios within the run, as the machines
 * are shared.
 */
package dev.vigil.analyzer.bench;
