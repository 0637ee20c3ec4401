package io.lstmspark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lstmspark.LstmSparkException;
import io.lstmspark.testing.CommandRun;
import io.lstmspark.testing.TestData;
import io.lstmspark.testing.TestModels;
import io.lstmspark.testing.TestSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run that fails, as the console shows it: one line that says what is wrong, where the failed run's
 * report and the full trace went; the trace on the console only with --verbose; the earlier output
 * untouched.
 */
class FailedRunTest {

    @TempDir
    static Path dir;

    private static String model;
    private static String clean;
    private static String withNan;

    @BeforeAll
    static void buildModelAndInputs() {
        model = TestModels.savedModel(dir, 2, 3, 3, 5).toString();
        clean = TestData.writeParquet(dir.resolve("clean"), TestData.rows(6, 6), TestData.SCHEMA);
        List<Row> rows = new ArrayList<>(TestData.rows(6, 6));
        rows.add(RowFactory.create("s2", TestData.minute(0), Double.NaN, 1.0));
        withNan = TestData.writeParquet(dir.resolve("with-nan"), rows, TestData.SCHEMA);
    }

    private static CommandRun run(Path log, String input, Path output, String... more) {
        List<Object> args = new ArrayList<>(List.of("run", "--log-file", log, "--no-progress",
                "input.path=" + input, "input.series-id=id", "input.timestamp=ts", "input.features=x0,x1",
                "model.path=" + model, "outputs.h=hidden_state", "output.path=" + output, "output.mode=overwrite"));
        args.addAll(List.of(more));
        return CommandRun.of(args.toArray());
    }

    /** Every file under {@code root} with its bytes' hash: what a later run must not change. */
    private static Map<String, Integer> contents(Path root) throws IOException {
        Map<String, Integer> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                files.put(root.relativize(file).toString(), Arrays.hashCode(Files.readAllBytes(file)));
            }
        }
        return files;
    }

    private static String lineStartingWith(String text, String prefix) {
        return text.lines().filter(line -> line.startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError("no line '" + prefix + "...' in:\n" + text));
    }

    @Test
    void aDataErrorInATaskPrintsItsMessageTheReportAndTheLogButNoTraceAndKeepsTheEarlierOutput()
            throws IOException {
        Path log = dir.resolve("data-error.log");
        Path output = dir.resolve("out");
        assertEquals(0, run(log, clean, output).exitCode());
        Map<String, Integer> good = contents(output);

        CommandRun failed = run(log, withNan, output);

        assertEquals(LstmSparkException.EXIT_CODE, failed.exitCode(), failed.err());
        String message = failed.err().lines().findFirst().orElseThrow();
        assertTrue(message.startsWith("lstm-spark: error: ") && message.contains("series s2")
                && message.contains("feature 'x0' is NaN") && message.contains("input.on-bad"), failed.err());
        assertEquals("lstm-spark: the full trace is in " + log + " (--verbose prints it here)",
                lineStartingWith(failed.err(), "lstm-spark: the full trace is in "));
        assertFalse(failed.err().contains("\tat ") || failed.err().contains("Exception"),
                "no stack trace on the console: " + failed.err());
        assertEquals(3, failed.err().lines().count(), failed.err());

        String logged = Files.readString(log);
        assertTrue(logged.contains("InputDataException") && logged.contains("\tat "), "the trace is in the log");
        assertTrue(logged.contains("Exception in task"), "Spark's log of the failed task went to the file");

        assertEquals(good, contents(output), "the earlier output is as it was");
        // Two series of 6 steps, 4 windows of 3 steps each.
        assertEquals(8, TestSpark.session().read().parquet(output.toString()).count());

        Path report = Path.of(lineStartingWith(failed.err(), "lstm-spark: the failed run's report: ")
                .replaceFirst("^lstm-spark: the failed run's report: (.*) \\(output.path is as it was\\)$", "$1"));
        assertEquals(dir.resolve("_out.failed_run_report.json"), report);
        JsonNode json = new ObjectMapper().readTree(report.toFile());
        assertEquals("failed", json.get("status").asText());
        assertEquals("lstm-spark", json.get("tool").asText());
        assertFalse(json.get("version").asText().isEmpty(), json.toString());
        assertEquals(message.substring("lstm-spark: error: ".length()), json.get("error").asText());
        assertEquals("io.lstmspark.series.InputDataException", json.get("error_type").asText());
        assertEquals(output.toString(), json.get("output_path").asText());
        assertTrue(json.get("counts").get("input_rows").asLong() <= 13, json.toString());
        assertTrue(json.get("stage_millis").has("input_check") && json.get("stage_millis").has("model_check")
                && json.get("stage_millis").has("read_window_infer_write_failed"), json.toString());
        assertEquals(withNan, json.get("config").get("input").get("path").asText());

        assertEquals(0, run(log, clean, output).exitCode());
        assertFalse(Files.exists(report), "a run that succeeds removes the failed run's report it replaces");
    }

    @Test
    void verbosePrintsTheTraceOnTheConsoleToo() {
        Path log = dir.resolve("verbose.log");
        CommandRun verbose = run(log, withNan, dir.resolve("verbose-out"), "--verbose");
        assertEquals(LstmSparkException.EXIT_CODE, verbose.exitCode(), verbose.err());
        assertTrue(verbose.err().startsWith("lstm-spark: error: "), verbose.err());
        assertTrue(verbose.err().contains("InputDataException") && verbose.err().contains("\tat "), verbose.err());
        assertTrue(verbose.err().contains("lstm-spark: the full trace is in " + log), verbose.err());
    }

    @Test
    void aFailureThatIsNotTheUsersExitsWithOneAndALine() throws IOException {
        Path log = dir.resolve("failure.log");
        // local[1] gives a task one attempt, so the injected failure fails the run.
        TestSpark.session().stop();
        CommandRun failed = run(log, clean, dir.resolve("failure-out"), "--conf", "spark.master=local[1]",
                "spark.lstmspark.test.failFirstAttemptOfPartition=0", "spark.sql.shuffle.partitions=1");
        assertEquals(ConsoleFailure.FAILURE_EXIT_CODE, failed.exitCode(), failed.err());
        String message = failed.err().lines().findFirst().orElseThrow();
        assertTrue(message.startsWith("lstm-spark: failed: IllegalStateException: failure injected"), failed.err());
        assertTrue(failed.err().contains("lstm-spark: the failed run's report: "), failed.err());
        assertTrue(failed.err().contains("lstm-spark: the full trace is in " + log), failed.err());
        assertFalse(failed.err().contains("\tat "), failed.err());
        assertTrue(Files.readString(log).contains("failure injected"), "the log holds the trace");
        assertTrue(Files.readString(dir.resolve("_failure-out.failed_run_report.json"))
                .contains("\"error_type\" : \"java.lang.IllegalStateException\""), "the root cause's type");
        assertFalse(Files.exists(dir.resolve("failure-out")));
    }
}
