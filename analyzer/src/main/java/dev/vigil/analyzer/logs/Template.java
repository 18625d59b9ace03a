package dev.vigil.analyzer.logs;

/**
 * A mined template, as published on the compacted topic of {@code dev.vigil.schemas.LogTemplate}.
 *
 * @param id       stable id: 16 hex digits of the SHA-256 of the first template text of the cluster; it is kept
 *                 when the template generalizes, so it survives restarts and is the same on every instance that
 *                 first saw the same text
 * @param template tokens joined by one space, {@code <*>} for parameters
 * @param count    messages matched so far, at least 1
 */
public record Template(String id, String template, long count) {
}
