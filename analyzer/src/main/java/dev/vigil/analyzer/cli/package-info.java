/**
 * The analyzer's picocli commands, registered in {@code dev.vigil.deploy.Vigil}: each parses its options,
 * calls the analyzer's packages, prints results to stdout ({@code --json} for scripts) and returns an exit
 * code (0 done, 1 failed, 2 bad usage). {@code vigil analyzer} runs the service, {@code vigil stats}
 * queries it, {@code vigil bench analyzer} measures it.
 */
package dev.vigil.analyzer.cli;
