/**
 * Plain JSON for Vigil's records, for people and scripts: {@code vigil watch --json}, {@code vigil
 * publish}, the collector's {@code POST /events}, change-journal files. Unlike Avro's own JSON
 * encoding there are no union wrappers: a nullable field is its value or {@code null}, an enum is
 * its symbol, a timestamp is an ISO-8601 string, bytes are Base64.
 */
package dev.vigil.schemas.json;
