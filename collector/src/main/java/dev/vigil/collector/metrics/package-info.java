/**
 * Host metrics read through OSHI, named after the OpenTelemetry semantic conventions with UCUM
 * units. Gauges are values at sampling time; counters have delta temporality (the increase over
 * the interval). The full list is in {@code collector/README.md}.
 */
package dev.vigil.collector.metrics;
