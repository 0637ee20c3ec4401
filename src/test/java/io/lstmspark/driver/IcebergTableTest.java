package io.lstmspark.driver;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;

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
 * Apache Iceberg end to end: steps read from an Iceberg table, forecasts written into an Iceberg table
 * (created by the job, partitioned by run date) for two nights, the first night rerun. The catalog is a
 * Hadoop catalog in a temporary directory, configured on the test session at run time.
 */
class IcebergTableTest {

    private static final String CATALOG = "lake";

    @TempDir
    static Path dir;

    @BeforeAll
    static void icebergCatalogWithTheSampleSteps() throws Exception {
        SparkSession spark = TestSpark.session();
        spark.conf().set("spark.sql.catalog." + CATALOG, "org.apache.iceberg.spark.SparkCatalog");
        spark.conf().set("spark.sql.catalog." + CATALOG + ".type", "hadoop");
        spark.conf().set("spark.sql.catalog." + CATALOG + ".warehouse", dir.resolve("warehouse").toUri().toString());
        Dataset<Row> sample = spark.read().parquet("sample-data/sensors");
        String withNull = TableOutputTest.withOneNullLoad("sample-data/sensors", dir.resolve("with-null"));
        spark.read().parquet(withNull).where(col("sensor_id").isin("sensor-001", "sensor-002"))
                .writeTo(CATALOG + ".db.steps_a").create();
        sample.where(col("sensor_id").equalTo("sensor-003")).writeTo(CATALOG + ".db.steps_b").create();
    }

    @Test
    void forecastsFromAnIcebergTableIntoAnIcebergTableForTwoNightsAndARerun() {
        String table = CATALOG + ".db.forecasts";
        night("steps_a", table, "2026-11-26");
        night("steps_b", table, "2026-11-27");
        assertSameRows(pathOutput("steps_a"), onNight(table, "2026-11-26"));
        long nullLoads = TestSpark.session().table(CATALOG + ".db.steps_a").where(col("load").isNull()).count();
        assertEquals(2, nullLoads, "both sensors' first step");
        assertEquals(nullLoads, onNight(table + "_quarantine", "2026-11-26").count(), "null loads set aside");

        night("steps_b", table, "2026-11-26");

        Dataset<Row> expected = pathOutput("steps_b");
        assertSameRows(expected, onNight(table, "2026-11-26"));
        assertSameRows(expected, onNight(table, "2026-11-27"));
        assertEquals(0, TestSpark.session().table(table + "_quarantine").count(), "the rerun set nothing aside");
        Dataset<Row> commits = TestSpark.session().table(table + ".snapshots")
                .where(col("operation").equalTo("overwrite")
                        .and(col("summary").getItem("replace-partitions").equalTo("true")));
        assertEquals(3, commits.count(), "one dynamic partition overwrite per run (after the empty table's creation)");
    }

    private static void night(String steps, String table, String runDate) {
        Jobs.run("conf/sample.conf", "mode=forecast", "input.path=", "input.table=" + CATALOG + ".db." + steps,
                "input.on-bad=quarantine", "output.path=", "output.table=" + table, "output.format=iceberg",
                "output.report-path=" + dir.resolve("reports"), "output.mode=overwrite",
                "output.partition-by=[run_date]", "output.constant-columns.run_date=" + runDate);
    }

    /** The same steps read from the Iceberg table, forecast to a Parquet path: what the table must hold. */
    private static Dataset<Row> pathOutput(String steps) {
        Path output = dir.resolve("path-" + steps);
        Jobs.run("conf/sample.conf", "mode=forecast", "input.path=", "input.table=" + CATALOG + ".db." + steps,
                "input.on-bad=quarantine", "output.path=" + output, "output.mode=overwrite");
        return TestSpark.session().read().parquet(output.toString());
    }

    private static Dataset<Row> onNight(String table, String runDate) {
        return TestSpark.session().table(table).where(col("run_date").equalTo(runDate)).drop("run_date");
    }

    private static void assertSameRows(Dataset<Row> expected, Dataset<Row> actual) {
        assertEquals(expected.schema().simpleString(), actual.schema().asNullable().simpleString());
        assertEquals(expected.count(), actual.count(), "rows");
        assertEquals(0, expected.exceptAll(actual).count(), "expected rows missing");
    }
}
