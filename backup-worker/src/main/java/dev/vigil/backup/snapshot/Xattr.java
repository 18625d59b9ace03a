package dev.vigil.backup.snapshot;

import java.util.Arrays;

/**
 * One extended attribute of a file: POSIX ACLs ({@code system.posix_acl_access}), file capabilities
 * ({@code security.capability}), user attributes ({@code user.*}).
 *
 * @param name its name, each char one byte of the name (ISO-8859-1), so any bytes round-trip
 * @param value its value
 */
public record Xattr(String name, byte[] value) {
    @Override
    public boolean equals(final Object o) {
        return o instanceof Xattr x && name.equals(x.name) && Arrays.equals(value, x.value);
    }

    @Override
    public int hashCode() {
        return 31 * name.hashCode() + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return name + " (" + value.length + " bytes)";
    }
}
