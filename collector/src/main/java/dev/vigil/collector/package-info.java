/**
 * The collector agent: it reads this host (metrics through OSHI, log files, file activity in
 * protected datasets, posted events) and publishes what it reads to Kafka. Every record is given
 * its id when the agent accepts it and is appended to an on-disk spool before anything else, so a
 * crash or an unreachable cluster loses nothing that was accepted.
 */
package dev.vigil.collector;
