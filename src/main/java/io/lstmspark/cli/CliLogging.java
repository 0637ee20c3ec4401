package io.lstmspark.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.FileAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The command's log file, added to whatever log4j2 configuration the JVM started with (conf/log4j2.properties,
 * Spark's, a test's): everything logged goes to the file as well, with full stack traces. Unless verbose, the
 * loggers through which Spark reports a failed task with its stack trace (one per attempt, plus the aborted
 * write) log to the file only, so that a data error inside a task reads as one line on the console.
 */
final class CliLogging implements AutoCloseable {

    /** Where traces go: the file, and the console only with --verbose (see {@link #trace}). */
    static final String TRACE_LOGGER = "io.lstmspark.cli.trace";

    /** Spark's loggers that log each failed task attempt and the aborted write with a stack trace. */
    static final List<String> TASK_FAILURE_LOGGERS = List.of(
            "org.apache.spark.executor.Executor",
            "org.apache.spark.scheduler.TaskSetManager",
            "org.apache.spark.scheduler.TaskSchedulerImpl",
            "org.apache.spark.sql.execution.datasources.FileFormatWriter",
            "org.apache.spark.sql.execution.datasources.FileFormatDataWriter",
            "org.apache.spark.util.Utils");

    private static final String APPENDER = "lstm-spark-log-file";
    private static final String PATTERN = "%d{yyyy-MM-dd HH:mm:ss.SSS} %p [%t] %c: %m%n%ex";

    private final LoggerContext context;
    private final Path file;
    private final List<String> addedLoggers;

    private CliLogging(LoggerContext context, Path file, List<String> addedLoggers) {
        this.context = context;
        this.file = file;
        this.addedLoggers = addedLoggers;
    }

    /**
     * Adds the log file; empty when log4j2 is not SLF4J's backend here or the file cannot be opened
     * (then nothing changes, and traces stay wherever that backend puts them).
     */
    static Optional<CliLogging> install(Path file, boolean verbose) {
        if (!(LogManager.getContext(false) instanceof LoggerContext context)) {
            return Optional.empty();
        }
        Path absolute = file.toAbsolutePath().normalize();
        Configuration config = context.getConfiguration();
        removeAppender(config);
        FileAppender appender = FileAppender.newBuilder()
                .setName(APPENDER)
                .withFileName(absolute.toString())
                .withAppend(true)
                .setLayout(PatternLayout.newBuilder().withConfiguration(config).withPattern(PATTERN).build())
                .setConfiguration(config)
                .build();
        if (appender == null) {
            // log4j2 has reported why (e.g. a directory that cannot be written); the console still works.
            return Optional.empty();
        }
        appender.start();
        config.addAppender(appender);
        // Additive loggers pass their events up to the root logger's appenders: the file is added to the root
        // and to the loggers that do not, so that each event is written once.
        for (LoggerConfig logger : config.getLoggers().values()) {
            if (!logger.isAdditive() && logger != config.getRootLogger()) {
                logger.addAppender(appender, null, null);
            }
        }
        config.getRootLogger().addAppender(appender, null, null);
        List<String> added = new ArrayList<>();
        added.add(TRACE_LOGGER);
        fileOnly(config, appender, TRACE_LOGGER, Level.ALL);
        if (!verbose) {
            for (String name : TASK_FAILURE_LOGGERS) {
                if (!config.getLoggers().containsKey(name)) {
                    fileOnly(config, appender, name, Level.WARN);
                    added.add(name);
                }
            }
        }
        context.updateLoggers();
        LoggerFactory.getLogger(CliLogging.class).debug("Logging to {}", absolute);
        return Optional.of(new CliLogging(context, absolute, List.copyOf(added)));
    }

    /** The log file's absolute path. */
    Path file() {
        return file;
    }

    /** Logs a failure's full trace to the log file only. */
    static void trace(String message, Throwable failure) {
        Logger trace = LoggerFactory.getLogger(TRACE_LOGGER);
        trace.error(message, failure);
    }

    /** Removes the file appender and the loggers it added, as the configuration was before. */
    @Override
    public void close() {
        Configuration config = context.getConfiguration();
        for (String name : addedLoggers) {
            config.removeLogger(name);
        }
        removeAppender(config);
        context.updateLoggers();
    }

    private static void fileOnly(Configuration config, Appender appender, String name, Level level) {
        LoggerConfig logger = LoggerConfig.newBuilder().withLoggerName(name).withLevel(level)
                .withAdditivity(false).withConfig(config).build();
        logger.addAppender(appender, null, null);
        config.addLogger(name, logger);
    }

    private static void removeAppender(Configuration config) {
        Appender old = config.getAppender(APPENDER);
        if (old == null) {
            return;
        }
        for (LoggerConfig logger : config.getLoggers().values()) {
            logger.removeAppender(APPENDER);
        }
        config.getRootLogger().removeAppender(APPENDER);
        config.getAppenders().remove(APPENDER);
        old.stop();
    }
}
