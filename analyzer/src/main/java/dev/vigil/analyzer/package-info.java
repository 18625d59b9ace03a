/**
 * The analyzer: a Kafka Streams application that turns raw telemetry (metrics, logs, host events)
 * into cleaned, normalized series, statistics, anomaly episodes and forecasts.
 *
 * <p>Data flow, one package per stage: {@code clean} → {@code normalize} → {@code series} (order,
 * dedup, gaps) → {@code stats} → {@code detect} → {@code forecast}; {@code logseries} and {@code
 * activity} turn logs and file activity into series; {@code app} wires and runs it.
 */
package dev.vigil.analyzer;
