package io.lstmspark.driver;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lstmspark.config.ConfigException;
import io.lstmspark.output.OutputException;
import io.lstmspark.report.RunReport;
import io.lstmspark.testing.Jobs;
import io.lstmspark.testing.TestSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * output.table in Spark's own catalog on the local file system (the nightly table: partitioned by run
 * date, a rerun replaces its night only), output.format for a path, and the refusals of table targets.
 */
class TableOutputTest {

    @TempDir
    static Path dir;

    private static String twoSensors;
    private static String oneSensor;

    @BeforeAll
    static void writeInputs() {
        SparkSession spark = TestSpark.session();
        Dataset<Row> sample = spark.read().parquet("sample-data/sensors");
        twoSensors = dir.resolve("two-sensors").toString();
        oneSensor = dir.resolve("one-sensor").toString();
        sample.where(col("sensor_id").isin("sensor-001", "sensor-002")).write().parquet(twoSensors);
        sample.where(col("sensor_id").equalTo("sensor-003")).write().parquet(oneSensor);
    }

    @Test
    void aNightlyTableWrittenForTwoNightsAndRerunForTheFirstReplacesOnlyThatNight() {
        String table = "forecasts_nightly";
        Path reports = dir.resolve("reports");
        night(table, twoSensors, "2026-11-26", reports);
        night(table, oneSensor, "2026-11-27", reports);
        Dataset<Row> forecasts = TestSpark.session().table(table);
        assertEquals(List.of("2026-11-26", "2026-11-27"), nights(forecasts));
        assertSameRows(forecastsOf(twoSensors, "first-night"), onNight(forecasts, "2026-11-26"));

        RunReport rerun = night(table, oneSensor, "2026-11-26", reports);

        Dataset<Row> after = TestSpark.session().table(table);
        assertSameRows(forecastsOf(oneSensor, "rerun"), onNight(after, "2026-11-26"));
        assertSameRows(forecastsOf(oneSensor, "rerun"), onNight(after, "2026-11-27"));
        assertEquals(rerun.counts().windowsWritten(), onNight(after, "2026-11-26").count());
        assertTrue(Files.isRegularFile(reports.resolve("run_date=2026-11-26").resolve(RunReport.FILE_NAME)));
        assertTrue(Files.isRegularFile(reports.resolve("run_date=2026-11-27").resolve(RunReport.FILE_NAME)));
    }

    @Test
    void rowsSetAsideGoToTheQuarantineTableAndARerunWithoutAnyRemovesThemFromItsNight() throws Exception {
        String input = withOneNullLoad(oneSensor, dir.resolve("one-null"));
        Path reports = dir.resolve("quarantine-reports");
        String[] nightly = {"mode=forecast", "output.path=", "input.on-bad=quarantine", "output.table=forecasts_q",
            "output.report-path=" + reports, "output.mode=overwrite", "output.partition-by=[run_date]"};

        RunReport report = Jobs.run("conf/sample.conf", with(nightly, "input.path=" + input,
                "output.constant-columns.run_date=2026-11-26"));
        Jobs.run("conf/sample.conf", with(nightly, "input.path=" + input,
                "output.constant-columns.run_date=2026-11-27"));

        Dataset<Row> quarantine = TestSpark.session().table("forecasts_q_quarantine");
        List<Row> records = quarantine.where(col("run_date").equalTo("2026-11-26")).collectAsList();
        assertEquals(1, records.size(), "records: " + records);
        assertEquals(report.counts().quarantineRecords(), records.size());
        assertEquals("sensor-003", records.get(0).getAs("series_id"));
        Path firstReport = reports.resolve("run_date=2026-11-26").resolve(RunReport.FILE_NAME);
        assertEquals(report.counts().windowsWritten(),
                RunReport.mapper().readTree(firstReport.toFile()).at("/counts/windows_written").asLong());

        Jobs.run("conf/sample.conf", with(nightly, "input.path=" + oneSensor,
                "output.constant-columns.run_date=2026-11-26"));

        Dataset<Row> after = TestSpark.session().table("forecasts_q_quarantine");
        assertEquals(0, after.where(col("run_date").equalTo("2026-11-26")).count(), "the rerun set nothing aside");
        assertEquals(1, after.where(col("run_date").equalTo("2026-11-27")).count(), "the other night's record stays");
    }

    /** {@code steps} with the first step's load null: a row input.on-bad = quarantine sets aside. */
    static String withOneNullLoad(String steps, Path output) {
        Dataset<Row> rows = TestSpark.session().read().parquet(steps);
        Row first = rows.orderBy("ts").first();
        rows.withColumn("load", when(col("ts").equalTo(lit(first.getAs("ts"))), lit(null)).otherwise(col("load")))
                .write().parquet(output.toString());
        return output.toString();
    }

    private static String[] with(String[] args, String... more) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    @Test
    void outputFormatOrcWritesTheRowsParquetHolds() {
        Jobs.run("conf/sample.conf", "mode=forecast", "input.path=" + twoSensors, "output.format=orc",
                "output.options.compression=zlib", "output.path=" + dir.resolve("orc"));

        assertSameRows(forecastsOf(twoSensors, "parquet-for-orc"),
                TestSpark.session().read().orc(dir.resolve("orc").toString()));
    }

    @Test
    void aTableWhoseLocationLiesInsideTheInputIsRefusedBeforeAnyTaskRuns() {
        Path inside = Path.of(twoSensors, "sub");
        TestSpark.session().sql("CREATE TABLE inside_input (sensor_id STRING) USING parquet LOCATION '"
                + inside.toUri() + "'");

        OutputException e = assertThrows(OutputException.class, () -> Jobs.run("conf/sample.conf", "mode=forecast",
                "input.path=" + twoSensors, "output.path=", "output.table=inside_input",
                "output.report-path=" + dir.resolve("r1")));

        assertTrue(e.getMessage().startsWith("output.table `inside_input` (location file:"), e.getMessage());
        assertTrue(e.getMessage().contains("is refused: it lies inside input.path"), e.getMessage());
        assertTrue(e.getMessage().endsWith("A run replaces what is at output.table: give it a table of its own"),
                e.getMessage());
        assertFalse(Files.exists(dir.resolve("r1")));
    }

    @Test
    void anOutputPathInsideTheInputTablesLocationIsRefused() {
        TestSpark.session().read().parquet(oneSensor).write().saveAsTable("steps_read");
        String location = TestSpark.session().sql("DESCRIBE TABLE EXTENDED steps_read")
                .where(col("col_name").equalTo("Location")).first().getString(1);

        OutputException e = assertThrows(OutputException.class, () -> Jobs.run("conf/sample.conf", "mode=forecast",
                "input.path=", "input.table=steps_read", "output.path=" + location + "/forecasts"));

        assertTrue(e.getMessage().contains("is refused: it lies inside input.table steps_read"), e.getMessage());
    }

    @Test
    void aReportPathInsideTheModelIsRefused() {
        OutputException e = assertThrows(OutputException.class, () -> Jobs.run("conf/sample.conf", "mode=forecast",
                "input.path=" + twoSensors, "output.path=", "output.table=forecasts_r",
                "output.report-path=sample-data/model/reports"));

        assertTrue(e.getMessage().startsWith("output.report-path "), e.getMessage());
        assertTrue(e.getMessage().contains("is refused: it lies inside model.path"), e.getMessage());
    }

    @Test
    void theInputTableAsOutputTableIsRefused() {
        ConfigException e = assertThrows(ConfigException.class, () -> Jobs.config("conf/sample.conf", "input.path=",
                "input.table=db.Steps", "output.path=", "output.table=DB.steps", "output.report-path=r"));

        assertEquals("output.table DB.steps is input.table db.Steps (or its quarantine): a run would replace what it "
                + "reads; write to another table", e.getMessage());
    }

    @Test
    void aTableTargetWithoutReportPathIsRefused() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> Jobs.config("conf/sample.conf", "output.path=", "output.table=t"));

        assertEquals("output.table t needs output.report-path: a directory for the run report (_run_report.json), "
                + "which a table has no place for", e.getMessage());
    }

    @Test
    void anExistingTablePartitionedOtherwiseIsRefused() {
        TestSpark.session().sql("CREATE TABLE by_sensor (sensor_id STRING, x DOUBLE) USING parquet "
                + "PARTITIONED BY (sensor_id)");

        OutputException e = assertThrows(OutputException.class, () -> Jobs.run("conf/sample.conf", "mode=forecast",
                "input.path=" + twoSensors, "output.path=", "output.table=by_sensor",
                "output.report-path=" + dir.resolve("r2"), "output.mode=overwrite"));

        assertTrue(e.getMessage().startsWith("output.table `by_sensor` is partitioned by [sensor_id] but "
                + "output.partition-by is []"), e.getMessage());
    }

    private static RunReport night(String table, String input, String runDate, Path reports) {
        return Jobs.run("conf/sample.conf", "mode=forecast", "input.path=" + input, "output.path=",
                "output.table=" + table, "output.report-path=" + reports, "output.mode=overwrite",
                "output.partition-by=[run_date]", "output.constant-columns.run_date=" + runDate);
    }

    /** The same forecasts written to a path, as the oracle of what the table must hold. */
    private static Dataset<Row> forecastsOf(String input, String name) {
        Path output = dir.resolve("path-" + name);
        if (!Files.exists(output)) {
            Jobs.run("conf/sample.conf", "mode=forecast", "input.path=" + input, "output.path=" + output);
        }
        return TestSpark.session().read().parquet(output.toString());
    }

    private static Dataset<Row> onNight(Dataset<Row> table, String runDate) {
        return table.where(col("run_date").equalTo(runDate)).drop("run_date");
    }

    private static List<String> nights(Dataset<Row> table) {
        List<String> nights = new ArrayList<>();
        for (Row row : table.select("run_date").distinct().orderBy("run_date").collectAsList()) {
            nights.add(row.getString(0));
        }
        return nights;
    }

    private static void assertSameRows(Dataset<Row> expected, Dataset<Row> actual) {
        assertEquals(expected.count(), actual.count(), "rows");
        assertEquals(0, expected.exceptAll(actual).count(), "expected rows missing");
    }
}
