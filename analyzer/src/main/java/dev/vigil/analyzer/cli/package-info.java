/**
 * The analyzer's picocli commands, registered in {@code dev.vigil.deploy.Vigil}: each parses its options,
 * calls the analyzer's packages, prints results to stdout ({@code --json} for scripts) and returns an exit
 * code (0 done, 1 failed, 2 bad usage).
 */
package dev.vigil.analyzer.cli;
