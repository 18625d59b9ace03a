/**
 * State-store plumbing: {@link dev.vigil.analyzer.store.LiveStore} keeps decoded state objects
 * and writes the changed ones back once per commit, inside the exactly-once transaction; {@link
 * dev.vigil.analyzer.store.Codec} and the binary writer/reader give every state type a compact,
 * versioned encoding.
 *
 * <p>Invariant: after a commit, the changelog holds exactly the state that the committed input
 * produced; live objects never outlive their task.
 */
package dev.vigil.analyzer.store;
