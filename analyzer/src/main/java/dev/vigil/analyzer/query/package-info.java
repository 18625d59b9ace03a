/**
 * Interactive queries: each analyzer instance serves the statistics its tasks hold over a small
 * HTTP endpoint ({@link dev.vigil.analyzer.query.QueryServer}, advertised as Kafka Streams'
 * {@code application.server}) and redirects a query for a host held elsewhere to the instance
 * that holds it; {@link dev.vigil.analyzer.query.StatsClient} is what {@code vigil stats} uses.
 */
package dev.vigil.analyzer.query;
