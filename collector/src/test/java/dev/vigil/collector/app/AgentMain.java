package dev.vigil.collector.app;

import dev.vigil.schemas.config.ConfigFile;
import java.nio.file.Path;

/** Runs the agent in a child JVM for crash tests: prints the events port, then runs until killed. */
public final class AgentMain {
    private AgentMain() {
    }

    /** @param args the settings file */
    public static void main(final String[] args) throws Exception {
        final CollectorService service = CollectorService.start(new CollectorConfig(
                ConfigFile.read(Path.of(args[0]), CollectorConfig.CONFIG)));
        System.out.println("EVENTS_PORT=" + service.eventsPort());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
