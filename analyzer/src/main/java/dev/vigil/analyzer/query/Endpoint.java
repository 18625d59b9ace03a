package dev.vigil.analyzer.query;

/**
 * A query endpoint, {@code host:port}, checked once where it is given (configuration or command line) so that a
 * typo is refused as such and not reported later as a connection or bind failure.
 *
 * @param host name or address
 * @param port 0..65535 (0 = any free port, for binding)
 */
public record Endpoint(String host, int port) {
    /**
     * @param text host:port
     * @return the endpoint
     * @throws IllegalArgumentException saying what is wrong with the text
     */
    public static Endpoint parse(final String text) {
        final int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new IllegalArgumentException("expected host:port, e.g. 127.0.0.1:7071, got '" + text + "'");
        }
        final int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("port of '" + text + "' is not a number");
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port of '" + text + "' is out of range 0..65535");
        }
        return new Endpoint(text.substring(0, colon), port);
    }

    @Override
    public String toString() {
        return host + ":" + port;
    }
}
