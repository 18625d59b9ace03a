/**
 * Everything in one process: Kafka's own broker and the four services, each with its own
 * configuration file, as {@code vigil local} and {@code vigil demo} run them. The services are the
 * same classes a cluster deployment runs; only the broker is embedded.
 */
package dev.vigil.deploy.local;
