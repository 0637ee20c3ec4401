package io.lstmspark.api;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.lstmspark.testing.TestSpark;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** README's Java example ("Use it from your code"), compiled and run here as it is shown there. */
class ReadmeJavaExampleTest {

    private static final Path SOURCE = Path.of("src/test/java/io/lstmspark/api/ReadmeJavaExampleTest.java");

    @TempDir
    Path dir;

    /** The example, between the markers; {@code spark}, the {@code sites} table and {@code output} are the reader's. */
    private static void example(SparkSession spark, String output) {
        // README:begin
        Dataset<Row> steps = spark.read().parquet("sample-data/sensors")
                .filter(col("ts").geq("2026-01-12"));        // any Dataset of steps: a table, a filter, a join

        LstmResult result = LstmSpark.model("sample-data/model")
                .seriesId("sensor_id").timestamp("ts")
                .features("temperature", "humidity", "load", "vibration")
                .windowLength(24).stride(6)
                .output("forecast", "forecast")            // column = signature output key or tensor
                .output("hidden_state", "hidden_state")
                .quarantineBadInput()                      // bad rows set aside, not failing the job
                .define(steps);                            // checks columns, types and model now

        Dataset<Row> sites = spark.table("sites");
        result.rows()
                .join(sites, result.rows().col("series_id").equalTo(sites.col("sensor_id")), "left")
                .drop("sensor_id")
                .write().mode("overwrite").parquet(output);      // the Spark job runs here
        if (result.setAside()) {                                 // counted while the rows were written
            result.quarantine().write().mode("overwrite").parquet(output + "-quarantine");
        }
        // README:end
    }

    @Test
    void theExampleWritesTheOraclesForecastsWithTheJoinedSites() {
        SparkSession spark = TestSpark.session();
        spark.createDataFrame(List.of(RowFactory.create("sensor-001", "north")),
                new StructType().add("sensor_id", DataTypes.StringType).add("site", DataTypes.StringType))
                .createOrReplaceTempView("sites");
        String output = dir.resolve("forecasts").toString();

        example(spark, output);

        List<Row> rows = spark.read().parquet(output).collectAsList();
        SampleForecasts.assertForecastsOfTheFilteredSample(rows);
        assertEquals(rows.stream().filter(r -> r.getAs("series_id").equals("sensor-001")).count(),
                rows.stream().filter(r -> "north".equals(r.getAs("site"))).count(), "the join's column");
        assertFalse(dir.resolve("forecasts-quarantine").toFile().exists(), "the sample has no bad rows");
    }

    @Test
    void readmeShowsTheExampleAsItIsCompiledHere() throws Exception {
        assertEquals(SampleForecasts.markedRegion(SOURCE), SampleForecasts.readmeBlock(SOURCE));
    }
}
