package io.lstmspark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lstmspark.LstmSparkException;
import io.lstmspark.testing.CommandRun;
import io.lstmspark.testing.TestModels;
import io.lstmspark.testing.TestSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The messages issue 19 found leading nowhere, as the console shows them: one line that names the key
 * that fixes it, then where the trace went, and no stack trace.
 */
class ConsoleMessagesTest {

    @TempDir
    Path dir;

    private CommandRun run(Object... args) {
        List<Object> all = new ArrayList<>(List.of("run", "--log-file", dir.resolve("lstm-spark.log")));
        all.addAll(List.of(args));
        return CommandRun.of(all.toArray());
    }

    /** The first line is the error and holds every one of {@code mentions}; no trace follows. */
    private void assertLeadsToTheFix(CommandRun run, String... mentions) {
        assertEquals(LstmSparkException.EXIT_CODE, run.exitCode(), run.err());
        String message = run.err().lines().findFirst().orElse("");
        assertTrue(message.startsWith("lstm-spark: error: "), run.err());
        for (String mention : mentions) {
            assertTrue(message.contains(mention), "'" + mention + "' in: " + message);
        }
        assertTrue(run.err().contains("lstm-spark: the full trace is in " + dir.resolve("lstm-spark.log")), run.err());
        assertFalse(run.err().contains("\tat "), run.err());
    }

    @Test
    void anUnparseableTimestampInATaskNamesInputTimestampFormat() throws IOException {
        Path csv = dir.resolve("steps.csv");
        Files.write(csv, List.of("id,ts,x0,x1", "c,2026-03-01T00:00:00,0.0,0.5", "c,2026-03-01T00:01:00,1.0,0.5",
                "c,2026-03-01T00:02:00,2.0,0.5", "c,yesterday,1.0,2.0"));
        String model = TestModels.savedModel(dir, 2, 3, 3, 5).toString();
        assertLeadsToTheFix(run("input.path=" + csv, "input.format=csv", "input.series-id=id", "input.timestamp=ts",
                "input.features=x0,x1", "input.options.timestampFormat=yyyy-MM-dd'T'HH:mm:ss", "model.path=" + model,
                "outputs.h=hidden_state", "output.path=" + dir.resolve("out")),
                "'yesterday'", "input.timestamp-format");
    }

    @Test
    void aMissingInputAndAMissingModelAreBothNamed() {
        Path input = dir.resolve("no-input");
        Path model = dir.resolve("no-model");
        CommandRun run = run("conf/sample.conf", "input.path=" + input, "model.path=" + model,
                "output.path=" + dir.resolve("out"));
        assertLeadsToTheFix(run, input.toString(), "input.path");
        List<String> also = run.err().lines().filter(line -> line.startsWith("lstm-spark: also: ")).toList();
        assertEquals(1, also.size(), run.err());
        assertTrue(also.get(0).contains(model.toString()), run.err());
    }

    @Test
    void aSparkSettingInTheJobFileSaysHowToPassIt() throws IOException {
        Path file = dir.resolve("job.conf");
        Files.writeString(file, "include file(\"conf/sample.conf\")\nspark.sql.shuffle.partitions = 64\n");
        assertLeadsToTheFix(run(file), "is a Spark setting", "spark.sql.shuffle.partitions=VALUE", "--conf");
    }

    @Test
    void anUnquotedColonInTheJobFileIsExplained() throws IOException {
        Path file = dir.resolve("job.conf");
        Files.writeString(file, "include file(\"conf/sample.conf\")\noutputs {\n  h = lstm:lstm_8.h\n}\n");
        assertLeadsToTheFix(run(file), "quote values that hold a colon", "h = \"lstm:lstm_8.h\"");
    }

    @Test
    void anOutputsObjectOnTheCommandLineReplacesTheFilesOutputs() {
        Path out = dir.resolve("forecast-only");
        CommandRun run = run("conf/sample.conf", "window.stride=96", "outputs={forecast = forecast}",
                "--conf", "spark.sql.shuffle.partitions=2", "output.path=" + out);
        assertEquals(0, run.exitCode(), run.err());
        assertEquals(List.of("series_id", "window_start", "window_end", "forecast"),
                List.of(TestSpark.session().read().parquet(out.toString()).schema().fieldNames()));
    }
}
