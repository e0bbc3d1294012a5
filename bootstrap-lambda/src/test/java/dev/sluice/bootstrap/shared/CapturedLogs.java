package dev.sluice.bootstrap.shared;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/**
 * Every event sluice's loggers emit while open, as the functions would write it: the message, the line's context
 * (job, tenant, correlation id) and any stack trace. Lowers {@code dev.sluice} to DEBUG meanwhile, so a test sees
 * what an INFO (or a DEBUG) deployment would log, whatever level the build's configuration sets.
 */
public final class CapturedLogs implements AutoCloseable {
    /** One log event: its level and everything it would print. */
    public record Line(Level level, String text) {}

    private final List<Line> lines = new CopyOnWriteArrayList<>();
    private final LoggerContext context;
    private final LoggerConfig logger;
    private final Level previousLevel;
    private final AbstractAppender appender;

    private CapturedLogs() {
        context = (LoggerContext) LogManager.getContext(false);
        logger = context.getConfiguration().getLoggerConfig("dev.sluice");
        previousLevel = logger.getLevel();
        appender = new AbstractAppender("captured-" + UUID.randomUUID(), null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                lines.add(new Line(event.getLevel(), render(event)));
            }
        };
        appender.start();
        logger.addAppender(appender, Level.ALL, null);
        logger.setLevel(Level.DEBUG);
        context.updateLoggers();
    }

    public static CapturedLogs start() {
        return new CapturedLogs();
    }

    private static String render(LogEvent event) {
        StringBuilder text = new StringBuilder(event.getMessage().getFormattedMessage());
        text.append(' ').append(event.getContextData().toMap());
        if (event.getThrown() != null) {
            StringWriter trace = new StringWriter();
            event.getThrown().printStackTrace(new PrintWriter(trace));
            text.append('\n').append(trace);
        }
        return text.toString();
    }

    public List<Line> lines() {
        return List.copyOf(lines);
    }

    /** The lines at {@code level} exactly. */
    public List<String> at(Level level) {
        return lines.stream().filter(l -> l.level() == level).map(Line::text).toList();
    }

    /** The lines at {@code level} or more severe. */
    public List<String> atLeast(Level level) {
        return lines.stream()
                .filter(l -> l.level().isMoreSpecificThan(level))
                .map(Line::text)
                .toList();
    }

    @Override
    public void close() {
        logger.removeAppender(appender.getName());
        logger.setLevel(previousLevel);
        context.updateLoggers();
        appender.stop();
    }
}
