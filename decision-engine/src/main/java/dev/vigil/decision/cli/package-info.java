/**
 * The decision engine's commands: {@code vigil decision-engine}, {@code vigil datasets
 * add|list|remove}, {@code vigil approve}, {@code vigil reject}, {@code vigil decide train|simulate}.
 * Thin: the work lives in the other packages. Registered in {@code deploy}'s {@code Vigil}.
 *
 * <p>Exit codes: 0 success, 1 the operation failed or was not applied, 2 bad usage, 3 configuration,
 * rule or scenario file refused.
 */
package dev.vigil.decision.cli;
