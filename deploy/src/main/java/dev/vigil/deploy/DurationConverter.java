package dev.vigil.deploy;

import dev.vigil.schemas.Durations;
import java.time.Duration;
import picocli.CommandLine;

/** Reads durations the way operators write them ({@link Durations}): 500ms, 30s, 5m, 1h30m, 1d, or ISO-8601. */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(final String value) {
        try {
            return Durations.parse(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
