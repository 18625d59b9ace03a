package dev.vigil.embedded.junit;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/** Captures what one class logs at a level or above, while open (tests; Logback must be on their class path). */
public final class LogCapture implements AutoCloseable {
    private final Logger logger;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final Level level;

    /**
     * @param source the class whose logger to listen to
     * @param level the least level kept
     */
    public LogCapture(final Class<?> source, final Level level) {
        this.logger = (Logger) LoggerFactory.getLogger(source);
        this.level = level;
        appender.start();
        logger.addAppender(appender);
    }

    /** @return the formatted messages logged so far at the level or above */
    public List<String> messages() {
        synchronized (appender) { // the lock under which the appender adds, from the logging thread
            return appender.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(level))
                    .map(ILoggingEvent::getFormattedMessage).toList();
        }
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        appender.stop();
    }
}
