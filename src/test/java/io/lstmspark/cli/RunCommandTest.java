package io.lstmspark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lstmspark.LstmSparkException;
import io.lstmspark.testing.TestModels;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Mistakes a user can make fail before any task runs, with one line naming what to change. */
class RunCommandTest {

    @TempDir
    Path dir;

    private record Outcome(int exitCode, String err) {
    }

    private static Outcome run(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setErr(new PrintWriter(err));
        cli.setOut(new PrintWriter(new StringWriter()));
        int exitCode = cli.execute(args);
        return new Outcome(exitCode, err.toString().strip());
    }

    private static void assertOneLineError(Outcome outcome, String... mentions) {
        assertEquals(LstmSparkException.EXIT_CODE, outcome.exitCode(), outcome.err());
        String message = outcome.err().lines().findFirst().orElse("");
        assertTrue(message.startsWith("lstm-spark: error: "), outcome.err());
        assertTrue(outcome.err().lines().skip(1).allMatch(line -> line.startsWith("lstm-spark: the full trace is in ")
                        || line.startsWith("lstm-spark: the failed run's report: ")),
                "the message, then where the report and the trace went: " + outcome.err());
        for (String mention : mentions) {
            assertTrue(message.contains(mention), "'" + mention + "' in: " + message);
        }
    }

    @Test
    void unknownKeyGetsADidYouMean() {
        assertOneLineError(run("run", "conf/sample.conf", "window.lenght=12"), "window.lenght", "window.length");
    }

    @Test
    void wrongTypeNamesTheKey() {
        assertOneLineError(run("run", "conf/sample.conf", "window.stride=fast"), "window.stride");
    }

    @Test
    void missingModelNamesThePath() {
        assertOneLineError(run("run", "conf/sample.conf", "model.path=" + dir.resolve("absent"),
                "output.path=" + dir.resolve("out")), "model.path", "absent", "does not exist");
    }

    @Test
    void corruptSavedModelIsNamed() throws IOException {
        Path model = Files.createDirectories(dir.resolve("corrupt"));
        Files.write(model.resolve("saved_model.pb"), new byte[] {0x0a, (byte) 0xff, 0x13, 0x37});
        assertOneLineError(run("run", "conf/sample.conf", "model.path=" + model, "output.path=" + dir.resolve("out")),
                "saved_model.pb", "damaged");
    }

    @Test
    void missingVariablesAreNamed() throws IOException {
        Path model = TestModels.savedModel(dir, 4, 3, 24, 1);
        try (var files = Files.list(model.resolve("variables"))) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
        }
        assertOneLineError(run("run", "conf/sample.conf", "model.path=" + model, "output.path=" + dir.resolve("out")),
                model.toString(), "variables/variables.index");
    }

    @Test
    void windowLengthTheModelDoesNotTakeNamesShapesAndKey() {
        assertOneLineError(run("run", "conf/sample.conf", "window.length=12", "output.path=" + dir.resolve("out")),
                "sample-data/model", "24", "window.length");
    }

    @Test
    void modelThatWritesFilesIsRefusedBeforeLoading() {
        Path model = TestModels.writesFile(dir);
        assertOneLineError(run("run", "conf/sample.conf", "model.path=" + model, "output.path=" + dir.resolve("out")),
                "WriteFile", "model.allow-ops");
        assertEquals(false, java.nio.file.Files.exists(dir.resolve("leak")), "the op never ran");
    }

    @Test
    void aFractionalStrideIsRefusedRatherThanRunAsTwo() {
        assertOneLineError(run("run", "conf/sample.conf", "window.stride=2.7", "output.path=" + dir.resolve("out")),
                "window.stride is 2.7; it must be a whole number");
        assertEquals(false, Files.exists(dir.resolve("out")));
    }

    @Test
    void aConstantColumnNamedLikeTheSeriesIdOrAnOutputIsRefused() {
        assertOneLineError(run("run", "conf/sample.conf", "output.constant-columns.series_id=oops",
                "output.path=" + dir.resolve("out")), "output.constant-columns.series_id", "key column 'series_id'");
        assertOneLineError(run("run", "conf/sample.conf", "output.constant-columns.forecast=1.5",
                "output.path=" + dir.resolve("out")), "output.constant-columns.forecast",
                "output column 'forecast' (outputs.forecast)");
        assertEquals(false, Files.exists(dir.resolve("out")));
    }

    @Test
    void sparkSettingsGivenAsArgumentsOrConfApplyToTheJobsSession() throws IOException {
        Path out = dir.resolve("gzip");
        Outcome outcome = run("run", "conf/sample.conf", "window.stride=96", "output.path=" + out,
                "spark.sql.parquet.compression.codec=gzip");
        assertEquals(0, outcome.exitCode(), outcome.err());
        try (var files = Files.list(out)) {
            assertTrue(files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".parquet"))
                    .allMatch(n -> n.endsWith(".gz.parquet")), "the session's codec wrote the data files");
        }
        assertOneLineError(run("run", "conf/sample.conf", "--conf", "spark.sql.shuffle.partitions=3",
                "model.path=" + dir.resolve("absent"), "output.path=" + dir.resolve("out")), "model.path", "absent");
    }
}
