package io.lstmspark.driver;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lstmspark.config.ConfigException;
import io.lstmspark.report.RunReport;
import io.lstmspark.series.InputDataException;
import io.lstmspark.testing.Jobs;
import io.lstmspark.testing.TestSpark;
import java.nio.file.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * input.format any Spark data source and input.table a catalog table: the same steps written as ORC,
 * JSON and a table give the windows the Parquet input gives; what Spark cannot read, or a column of the
 * wrong type, is refused before any task runs, naming the format, table or path.
 */
class InputSourcesTest {

    /** Two sensors of the sample, every 24th window: a short job. */
    private static final String[] SHORT = {"window.stride=24"};

    @TempDir
    static Path dir;

    private static Dataset<Row> steps;
    private static Dataset<Row> fromParquet;

    @BeforeAll
    static void writeTheSameStepsInParquet() {
        SparkSession spark = TestSpark.session();
        steps = spark.read().parquet("sample-data/sensors").where(col("sensor_id").isin("sensor-001", "sensor-002"));
        steps.write().parquet(dir.resolve("steps.parquet").toString());
        run("parquet-out", "input.path=" + dir.resolve("steps.parquet"));
        fromParquet = read("parquet-out");
        assertTrue(fromParquet.count() > 0);
    }

    @Test
    void orcInputGivesTheWindowsOfTheSameStepsInParquet() {
        steps.write().orc(dir.resolve("steps.orc").toString());

        run("orc-out", "input.format=orc", "input.path=" + dir.resolve("steps.orc"));

        assertSameRows(fromParquet, read("orc-out"));
    }

    @Test
    void jsonInputWithTimestampsAsTextGivesTheWindowsOfTheSameStepsInParquet() {
        steps.write().json(dir.resolve("steps.json").toString());

        run("json-out", "input.format=json", "input.path=" + dir.resolve("steps.json"));

        assertSameRows(fromParquet, read("json-out"));
    }

    @Test
    void catalogTableInputGivesTheWindowsOfTheSameSteps() {
        steps.write().saveAsTable("steps_of_two_sensors");

        RunReport report = run("table-out", "input.table=steps_of_two_sensors");

        assertSameRows(fromParquet, read("table-out"));
        assertEquals(steps.count(), report.counts().inputRows());
    }

    @Test
    void aFormatSparkDoesNotHaveIsRefusedNamingTheKey() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> run("delta-out", "input.format=delta", "input.path=" + dir.resolve("steps.parquet")));

        assertTrue(e.getMessage().startsWith("input.format delta needs a Spark data source this classpath does not "
                + "have"), e.getMessage());
        assertTrue(e.getMessage().endsWith("add its jar (spark-submit --packages or --jars), or use one Spark has: "
                + "parquet, csv, json, orc"), e.getMessage());
    }

    @Test
    void aMissingTableIsNamed() {
        InputDataException e = assertThrows(InputDataException.class,
                () -> run("missing-out", "input.table=no_such_steps"));

        assertTrue(e.getMessage().startsWith("input.table no_such_steps does not exist"), e.getMessage());
    }

    @Test
    void aTableColumnOfTheWrongTypeIsNamedWithTheTable() {
        steps.withColumn("load", col("load").cast("string")).write().saveAsTable("steps_with_text_load");

        InputDataException e = assertThrows(InputDataException.class,
                () -> run("text-out", "input.table=steps_with_text_load"));

        assertEquals("feature column 'load' in input.table steps_with_text_load is string; features must be numeric: "
                + "convert it upstream or remove it from input.features", e.getMessage());
    }

    @Test
    void bothInputPathAndInputTableAreRefused() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> Jobs.config("conf/sample.conf", "input.table=steps_of_two_sensors"));

        assertEquals("input.path and input.table are both set: give one, input.path for a file or directory or "
                + "input.table for a catalog table", e.getMessage());
    }

    private static RunReport run(String output, String... overrides) {
        String[] args = new String[SHORT.length + overrides.length + 2];
        System.arraycopy(SHORT, 0, args, 0, SHORT.length);
        System.arraycopy(overrides, 0, args, SHORT.length, overrides.length);
        args[args.length - 2] = "output.path=" + dir.resolve(output);
        boolean table = String.join(" ", overrides).contains("input.table=");
        // conf/sample.conf names input.path: a table replaces it
        args[args.length - 1] = table ? "input.path=" : "output.mode=overwrite";
        return Jobs.run("conf/sample.conf", args);
    }

    private static Dataset<Row> read(String output) {
        return TestSpark.session().read().parquet(dir.resolve(output).toString());
    }

    private static void assertSameRows(Dataset<Row> expected, Dataset<Row> actual) {
        assertEquals(expected.schema(), actual.schema());
        assertEquals(expected.count(), actual.count(), "rows");
        assertEquals(0, expected.exceptAll(actual).count(), "windows of the Parquet input missing");
    }
}
