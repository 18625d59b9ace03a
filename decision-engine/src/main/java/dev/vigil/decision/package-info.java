/**
 * The decision engine: turns anomalies, events, forecasts, statistics and backup results into
 * explained, signed backup commands. Packages follow the data flow: {@code state} (what is known
 * per dataset), {@code policy} (the baseline from each dataset's spec), {@code rules} (operator
 * rules in CEL), {@code tree} (the learned model for what no rule settles), {@code guard} (the
 * guardrails), {@code command} (building and signing), {@code engine} (the one decision loop),
 * {@code app} (Kafka Streams wiring), {@code simulate} and {@code cli}.
 */
package dev.vigil.decision;
