/**
 * The analyzer's commands (picocli), registered in the {@code vigil} launcher: {@code vigil
 * analyzer} runs the service, {@code vigil stats} queries it, {@code vigil bench analyzer}
 * measures it.
 */
package dev.vigil.analyzer.cli;
