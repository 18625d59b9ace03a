/**
 * Service configuration shared by every Vigil service: the settings they all have ({@link
 * dev.vigil.schemas.config.CommonConfig}) and the reader that turns a {@code key=value} file into
 * validated settings, refusing a bad file with the line that is wrong ({@link
 * dev.vigil.schemas.config.ConfigFile}).
 *
 * <p>Each service declares its own keys once, in a {@code ConfigDef} that extends {@link
 * dev.vigil.schemas.config.CommonConfig#define()}, each with type, default, validator and doc.
 */
package dev.vigil.schemas.config;
