/**
 * How records travel: Avro single-object encoding (a two-byte marker, the writer schema's 64-bit
 * fingerprint, then the binary body) resolved against a catalog of every known schema version.
 *
 * <p>A reader on a newer schema decodes messages written with any older version it has in its
 * catalog (classpath history), and a reader on an older schema decodes newer messages once the
 * writer's schema is in the {@code vigil-schemas} topic, which every producer registers itself in.
 */
package dev.vigil.schemas.serde;
