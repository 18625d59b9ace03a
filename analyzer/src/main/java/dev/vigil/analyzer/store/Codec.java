package dev.vigil.analyzer.store;

/**
 * Turns a live state object into the bytes a state store keeps, and back.
 *
 * <p>{@code decode(encode(v))} must behave exactly like {@code v} from then on: a task restored
 * from its changelog after a crash must produce the same output as one that never stopped.
 *
 * @param <T> the state type
 */
public interface Codec<T> {
    /**
     * @param value the live object, never null
     * @return its bytes
     */
    byte[] encode(T value);

    /**
     * @param bytes what {@link #encode} wrote, possibly by an older version of this codec
     * @return the live object
     * @throws IllegalArgumentException when the bytes are not in a known format
     */
    T decode(byte[] bytes);
}
