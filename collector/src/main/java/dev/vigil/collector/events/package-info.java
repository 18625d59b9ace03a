/**
 * Host events that are not file activity: posted by other tools on {@code POST /events}, and the
 * agent's own (agent.start, agent.stop, clock.jump, spool.dropped). An event is accepted only once
 * it is in the spool, so an answer 202 means it will reach Kafka with the id it was given.
 */
package dev.vigil.collector.events;
