package dev.vigil.collector.app;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * Starts an agent whose one dataset is where a shell command mounts something, and posts an event while the agent
 * starts; run by {@link CollectorStartTest} in a child JVM in a mount namespace of its own. Prints the command's first
 * line (MOUNTED once done), then {@code EVENTS <status>} for the first answer of {@code POST /events} within 15 s, or
 * {@code EVENTS none}, and whether {@link CollectorService#start} had returned by then.
 */
public final class StartProbe {
    private StartProbe() {
    }

    /** @param args the state directory, the dataset's directory, the shell command */
    public static void main(final String[] args) throws Exception {
        final Process command = new ProcessBuilder("sh", "-c", args[2]).redirectErrorStream(true).start();
        System.out.println(new BufferedReader(new InputStreamReader(command.getInputStream(),
                StandardCharsets.UTF_8)).readLine());
        final int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        final CollectorConfig config = new CollectorConfig(Map.of(
                "bootstrap.servers", "127.0.0.1:1",
                "host.name", "h",
                "state.dir", args[0],
                "metrics.enabled", "false",
                "files.registry.enabled", "false",
                "files.datasets", "slow=" + args[1],
                "events.http.port", Integer.toString(port)));
        final Thread starting = new Thread(() -> CollectorService.start(config), "starting");
        starting.setDaemon(true);
        starting.start();
        final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        String answer = "none";
        final long deadline = System.nanoTime() + 15_000_000_000L;
        while (System.nanoTime() < deadline) {
            try {
                answer = Integer.toString(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/events")).timeout(Duration.ofSeconds(5)).POST(HttpRequest.BodyPublishers.ofString(
                        "{\"kind\":\"disk.error\"}")).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
                break;
            } catch (java.io.IOException e) {
                Thread.sleep(100); // not listening yet
            }
        }
        System.out.println("EVENTS " + answer + (starting.isAlive() ? " while starting" : " after start"));
        System.out.flush();
        // The start may wait on the mount for good: no shutdown hook is to wait for it.
        Runtime.getRuntime().halt(0);
    }
}
