/**
 * JUnit 5 support for integration tests on a real broker.
 *
 * <p>One broker per test JVM, started on first use and stopped when the JVM's tests end; each
 * test gets a fresh topic prefix so tests never see each other's records. The broker is Kafka's
 * own KRaft server in this JVM, or, with {@code -Dvigil.test.kafka=testcontainers} where Docker
 * runs, Testcontainers' Kafka module. Nothing is skipped without Docker.
 */
package dev.vigil.embedded.junit;
