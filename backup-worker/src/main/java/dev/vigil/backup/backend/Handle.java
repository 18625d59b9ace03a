package dev.vigil.backup.backend;

/**
 * The name of one stored file.
 *
 * @param type its kind
 * @param name its name: a hex file id, or the fixed names of {@link FileType#MARKER} and {@link FileType#CONFIG}
 */
public record Handle(FileType type, String name) {
    /** The format marker. */
    public static final Handle MARKER = new Handle(FileType.MARKER, "vigil-repository");
    /** The configuration. */
    public static final Handle CONFIG = new Handle(FileType.CONFIG, "config");

    @Override
    public String toString() {
        return type.dir().isEmpty() ? name : type.name().toLowerCase() + " " + shortName();
    }

    /** @return the first 8 characters of the name, as people see ids */
    public String shortName() {
        return name.length() > 8 ? name.substring(0, 8) : name;
    }
}
