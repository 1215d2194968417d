package dev.switchboard.workflows.testing;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.slf4j.LoggerFactory;

/** Every log line of the process while open (logback ListAppender on the root logger), formatted with its arguments. */
public final class CapturedLogs implements AutoCloseable {

    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final ch.qos.logback.classic.Level level;

    /** Captures from INFO up (the root level may be WARN in tests). */
    public CapturedLogs() {
        level = root.getLevel();
        root.setLevel(ch.qos.logback.classic.Level.INFO);
        appender.start();
        root.addAppender(appender);
    }

    /** Formatted messages with their throwables' messages, in order. */
    public List<String> lines() {
        synchronized (appender.list) {
            return appender.list.stream().map(event -> event.getLoggerName() + " " + event.getLevel() + " " + event.getFormattedMessage()
                    + (event.getThrowableProxy() == null ? "" : " " + event.getThrowableProxy().getMessage())
                    + " " + event.getMDCPropertyMap()).toList();
        }
    }

    @Override
    public void close() {
        root.detachAppender(appender);
        appender.stop();
        root.setLevel(level);
    }
}
