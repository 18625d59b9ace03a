/**
 * The collector's commands: {@code vigil collector} runs the agent, {@code vigil collector journal}
 * runs the file-activity watcher alone and writes a change journal for incremental backups.
 */
package dev.vigil.collector.cli;
