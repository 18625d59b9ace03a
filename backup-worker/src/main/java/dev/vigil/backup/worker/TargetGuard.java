package dev.vigil.backup.worker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Decides whether a restore may write to a target: the target must lie inside one of the allowed
 * roots once symlinks of its existing part are resolved, and may not name {@code ..}. A target
 * whose existing ancestor is a symlink pointing outside the roots is refused.
 */
public final class TargetGuard {
    private final List<Path> roots;

    /** @param roots directories restores may write into */
    public TargetGuard(final List<Path> roots) {
        this.roots = roots.stream().map(TargetGuard::real).toList();
    }

    /**
     * @param target a requested target
     * @return null when allowed, else why not
     */
    public String refuse(final String target) {
        final Path raw = Path.of(target);
        if (!raw.isAbsolute()) {
            return "restore target '" + target + "' is not an absolute path";
        }
        for (final Path part : raw) {
            if (part.toString().equals("..")) {
                return "restore target '" + target + "' contains '..'";
            }
        }
        final Path resolved = real(raw);
        for (final Path root : roots) {
            if (resolved.startsWith(root)) {
                return null;
            }
        }
        return "restore target '" + target + "'" + (resolved.equals(raw.normalize()) ? "" : " (really " + resolved + ")")
                + " is outside the allowed roots " + roots;
    }

    /**
     * @param p a path
     * @return it with symlinks of its longest existing prefix resolved, the rest appended
     */
    static Path real(final Path p) {
        Path existing = p.toAbsolutePath().normalize();
        Path rest = null;
        while (existing != null && !Files.exists(existing)) {
            final Path name = existing.getFileName();
            rest = rest == null ? name : name.resolve(rest);
            existing = existing.getParent();
        }
        if (existing == null) {
            return p.toAbsolutePath().normalize();
        }
        try {
            final Path real = existing.toRealPath();
            return rest == null ? real : real.resolve(rest);
        } catch (IOException e) {
            return p.toAbsolutePath().normalize();
        }
    }
}
