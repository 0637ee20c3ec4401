package io.lstmspark.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lstmspark.LstmSparkException;
import io.lstmspark.report.RunReport;
import io.lstmspark.testing.Jobs;
import io.lstmspark.testing.TestData;
import io.lstmspark.testing.TestModels;
import io.lstmspark.testing.TestSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Nightly reruns replace only their night; a failed run leaves the previous output as it was. */
class OutputIntegrityTest {

    @TempDir
    static Path dir;

    private static String model;
    private static String twoSeries;
    private static String threeSeries;
    private static String withNan;

    @BeforeAll
    static void inputsAndModel() {
        model = TestModels.savedModel(dir, 2, 3, 4, 21).toString();
        twoSeries = TestData.writeParquet(dir.resolve("a"), TestData.rows(6, 6), TestData.SCHEMA);
        threeSeries = TestData.writeParquet(dir.resolve("b"), TestData.rows(6, 6, 6), TestData.SCHEMA);
        List<Row> bad = new ArrayList<>(TestData.rows(6, 6));
        bad.add(RowFactory.create("s9", TestData.minute(1), Double.NaN, 0.0));
        withNan = TestData.writeParquet(dir.resolve("c"), bad, TestData.SCHEMA);
    }

    private static String[] job(String input, String output, String... more) {
        List<String> args = new ArrayList<>(List.of("input.path=" + input, "input.series-id=id", "input.timestamp=ts",
                "input.features=x0,x1", "model.path=" + model, "outputs.h=hidden_state", "output.mode=overwrite",
                "output.path=" + dir.resolve(output)));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    private static Dataset<Row> read(String output) {
        return TestSpark.session().read().parquet(dir.resolve(output).toString());
    }

    private static long rowsOfNight(String output, String night) {
        return read(output).filter("run_date = '" + night + "'").count();
    }

    @Test
    void rerunningANightReplacesOnlyThatNightsPartition() {
        String[] partitioned = {"output.partition-by=[run_date]", "input.on-bad=quarantine"};
        Jobs.run(null, concat(job(twoSeries, "nightly", "output.constant-columns.run_date=2026-11-25"), partitioned));
        Jobs.run(null, concat(job(threeSeries, "nightly", "output.constant-columns.run_date=2026-11-26"), partitioned));
        assertEquals(6, rowsOfNight("nightly", "2026-11-25"));
        assertEquals(9, rowsOfNight("nightly", "2026-11-26"));

        RunReport rerun = Jobs.run(null, concat(job(withNan, "nightly", "output.constant-columns.run_date=2026-11-25"),
                partitioned));
        assertEquals(6, rowsOfNight("nightly", "2026-11-25"), "the night's rows are replaced, not appended");
        assertEquals(9, rowsOfNight("nightly", "2026-11-26"), "other nights are untouched");
        assertEquals(1, rerun.counts().quarantineRecords());
        assertTrue(Files.isRegularFile(dir.resolve("nightly/run_date=2026-11-25/_run_report.json")));
        assertEquals(1, TestSpark.session().read().parquet(dir.resolve("nightly/_quarantine").toString())
                .filter("run_date = '2026-11-25'").count());

        Jobs.run(null, concat(job(twoSeries, "nightly", "output.constant-columns.run_date=2026-11-25"), partitioned));
        assertEquals(false, Files.exists(dir.resolve("nightly/_quarantine/run_date=2026-11-25")),
                "a clean rerun removes the night's stale quarantine");
    }

    @Test
    void aFailedRunLeavesThePreviousOutputReadableAndIntact() throws IOException {
        Jobs.run(null, job(threeSeries, "kept"));
        List<Row> before = read("kept").orderBy("series_id", "window_start").collectAsList();

        assertThrows(Exception.class, () -> Jobs.run(null, job(withNan, "kept")));

        assertEquals(before, read("kept").orderBy("series_id", "window_start").collectAsList());
        assertTrue(Files.isRegularFile(dir.resolve("kept/_run_report.json")));
        try (Stream<Path> siblings = Files.list(dir)) {
            assertEquals(List.of(), siblings.filter(p -> p.getFileName().toString().contains("lstm-spark-")).toList(),
                    "no staging directory is left behind");
        }
    }

    @Test
    void aFailedRerunOfANightLeavesThatNightAsItWas() {
        String[] night = {"output.partition-by=[run_date]", "output.constant-columns.run_date=2026-11-24"};
        Jobs.run(null, concat(job(threeSeries, "night-kept"), night));
        assertThrows(Exception.class, () -> Jobs.run(null, concat(job(withNan, "night-kept"), night)));
        assertEquals(9, rowsOfNight("night-kept", "2026-11-24"));
    }

    @Test
    void errorIfExistsRefusesBeforeAnyTaskRuns() {
        Jobs.run(null, job(twoSeries, "once"));
        Exception e = assertThrows(Exception.class,
                () -> Jobs.run(null, concat(job(twoSeries, "once"), new String[] {"output.mode=error-if-exists"})));
        String message = LstmSparkException.find(e).orElseThrow().getMessage();
        assertTrue(message.contains("already exists") && message.contains("output.mode"), message);
    }

    @Test
    void aTaskThatFailsOnItsFirstAttemptIsRetriedWithoutDuplicates() {
        Jobs.run(null, job(threeSeries, "clean", "input.partitions=2", "batch.size=2"));
        TestSpark.session().conf().set(LstmSparkJob.FAIL_FIRST_ATTEMPT_CONF, "0");
        try {
            Jobs.run(null, job(threeSeries, "retried", "input.partitions=2", "batch.size=2"));
        } finally {
            TestSpark.session().conf().unset(LstmSparkJob.FAIL_FIRST_ATTEMPT_CONF);
        }
        Dataset<Row> clean = read("clean");
        Dataset<Row> retried = read("retried");
        assertEquals(clean.count(), retried.count());
        assertEquals(retried.count(), retried.select("series_id", "window_start").distinct().count(), "no duplicates");
        assertEquals(0, clean.except(retried).count());
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
