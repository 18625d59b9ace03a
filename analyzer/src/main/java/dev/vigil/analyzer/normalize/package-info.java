/**
 * Normalization: every value leaves in canonical form: OpenTelemetry semantic-convention names
 * (aliases from telegraf, node_exporter and collectd mapped), canonical units (bytes, seconds,
 * ratio 0..1, degrees Celsius), sorted attributes, event time in UTC epoch milliseconds. A {@link
 * dev.vigil.analyzer.normalize.Point} is the unit of work of every later stage.
 */
package dev.vigil.analyzer.normalize;
