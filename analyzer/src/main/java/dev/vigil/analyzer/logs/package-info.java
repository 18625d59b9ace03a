/**
 * Log templates: an online, Drain-style miner that turns each log message into a template id, a template
 * ({@code <*>} for parameters) and its parameters, so logs become countable events.
 *
 * <p>Invariants: a template's id never changes once given (it is a hash of the template's first text, kept
 * when the template generalizes); a template only generalizes (a position once {@code <*>} stays so); the
 * number of templates held is bounded, least recently matched evicted first; the miner is single-threaded
 * and its whole state round-trips through {@link dev.vigil.analyzer.logs.TemplateMiner#toBytes()}.
 * The evaluation side ({@code LogFormat}, {@code TemplateCsv}, {@code ParsingMetrics}) reads loghub-style
 * files and scores groupings against ground truth.
 */
package dev.vigil.analyzer.logs;
