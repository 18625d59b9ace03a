/**
 * The contract between Vigil's services: one Avro record type per kind of message (generated from
 * {@code src/main/avro}), and record ids.
 *
 * <p>Every record carries {@code id} (unique; a retried record keeps its id so consumers can drop
 * duplicates), {@code host} and {@code time} (event time, UTC, milliseconds). Enums have an {@code
 * UNKNOWN} first symbol and default so that older readers survive newer symbols.
 */
package dev.vigil.schemas;
