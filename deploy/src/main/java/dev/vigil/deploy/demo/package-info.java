/**
 * {@code vigil demo}: a scripted incident played through the real services on an embedded broker,
 * with a timeline of what each service did and a check, at the end, that the data came back
 * byte-identical. Every step waits for records on the real topics, with a deadline, and the demo
 * fails naming the step that did not happen.
 */
package dev.vigil.deploy.demo;
