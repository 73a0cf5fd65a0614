package dev.promptrelay;

import java.io.StringWriter;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.layout.PatternLayout;

/**
 * What the application logs while a test runs in the same JVM, line by line, as a user reading the log sees it.
 */
final class LogCapture implements AutoCloseable {

    private final StringWriter lines = new StringWriter();
    private final WriterAppender appender;

    private LogCapture() {
        appender = WriterAppender.newBuilder().setName("test-capture-" + System.nanoTime()).setTarget(lines)
                .setLayout(PatternLayout.newBuilder().withPattern("%-5level %msg%n").build()).build();
        appender.start();
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        context.getConfiguration().getRootLogger().addAppender(appender, null, null);
        context.updateLoggers();
    }

    static LogCapture start() {
        return new LogCapture();
    }

    String text() {
        synchronized (lines) {
            return lines.toString();
        }
    }

    long linesContaining(String text) {
        return text().lines().filter(l -> l.contains(text)).count();
    }

    @Override
    public void close() {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        context.getConfiguration().getRootLogger().removeAppender(appender.getName());
        context.updateLoggers();
        appender.stop();
    }
}
