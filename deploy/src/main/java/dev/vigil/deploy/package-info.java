/**
 * The {@code vigil} command line: one entry point for every service, the embedded broker, the
 * topic catalogue, publishing and watching, and {@code demo}/{@code local}, which run everything
 * in one process. Commands here are thin: the work lives in the service modules.
 */
package dev.vigil.deploy;
