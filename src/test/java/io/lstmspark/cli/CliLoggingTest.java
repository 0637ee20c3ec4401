package io.lstmspark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The command's log file: everything with traces; Spark's failed-task logs there only, unless verbose. */
class CliLoggingTest {

    @TempDir
    Path dir;

    private static LoggerConfig configOf(String logger) {
        return ((LoggerContext) LogManager.getContext(false)).getConfiguration().getLoggerConfig(logger);
    }

    @Test
    void sparksFailedTaskLogsGoToTheFileOnlyAndEverythingElseToTheConsoleAsWell() throws IOException {
        Path log = dir.resolve("cli.log");
        List<String> consoleAppenders = List.copyOf(configOf("").getAppenders().keySet());
        try (CliLogging logging = CliLogging.install(log, false).orElseThrow()) {
            assertEquals(log.toAbsolutePath(), logging.file());
            for (String name : CliLogging.TASK_FAILURE_LOGGERS) {
                LoggerConfig config = configOf(name);
                assertEquals(name, config.getName());
                assertFalse(config.isAdditive(), name + " does not pass its events on to the console");
                assertEquals(List.of("lstm-spark-log-file"), List.copyOf(config.getAppenders().keySet()), name);
            }
            assertTrue(configOf("").getAppenders().keySet().containsAll(consoleAppenders), "the console stays");
            assertTrue(configOf("").getAppenders().containsKey("lstm-spark-log-file"));
            LoggerFactory.getLogger("org.apache.spark.scheduler.TaskSetManager").warn("Lost task 0.0 in stage 3.0");
            LoggerFactory.getLogger("io.lstmspark.driver.LstmSparkJob").info("Wrote 8 windows");
            CliLogging.trace("lstm-spark: failed", new IllegalStateException("boom"));
        }
        String logged = Files.readString(log);
        assertEquals(1, logged.lines().filter(l -> l.contains("Lost task 0.0 in stage 3.0")).count(), logged);
        assertEquals(1, logged.lines().filter(l -> l.contains("Wrote 8 windows")).count(),
                "io.lstmspark's logger and the root logger both log it, to the file once:\n" + logged);
        assertTrue(logged.contains("java.lang.IllegalStateException: boom") && logged.contains("\tat "), logged);
        assertEquals("", configOf("org.apache.spark.scheduler.TaskSetManager").getName(), "removed at the end");
        assertFalse(configOf("").getAppenders().containsKey("lstm-spark-log-file"), "removed at the end");
    }

    @Test
    void verboseLeavesSparksFailedTaskLogsOnTheConsole() {
        try (CliLogging logging = CliLogging.install(dir.resolve("verbose.log"), true).orElseThrow()) {
            for (String name : CliLogging.TASK_FAILURE_LOGGERS) {
                assertEquals("", configOf(name).getName(), name + " logs through the root logger, console included");
            }
        }
    }
}
