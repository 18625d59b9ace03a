/**
 * The dead-letter path: every input record the analyzer cannot use leaves through {@link
 * dev.vigil.analyzer.dlq.DeadLetterHandler} to {@code vigil-dead-letter} with its original bytes
 * and a reason header; processing continues. Nothing is dropped silently.
 */
package dev.vigil.analyzer.dlq;
