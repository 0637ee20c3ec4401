package io.lstmspark.driver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.lstmspark.report.Counts;
import io.lstmspark.report.RunReport;
import io.lstmspark.testing.Jobs;
import io.lstmspark.testing.LstmOracle;
import io.lstmspark.testing.Rows;
import io.lstmspark.testing.SampleWeights;
import io.lstmspark.testing.SeriesTable;
import io.lstmspark.testing.TestSpark;
import io.lstmspark.testing.Tolerance;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bundled sample job (conf/sample.conf on sample-data/), checked window by window against the
 * plain-Java LSTM oracle run on the sample model's .npy weights and on series read independently.
 */
class SampleJobTest {

    private static final List<String> FEATURES = List.of("temperature", "humidity", "load", "vibration");
    private static final int LENGTH = 24;
    private static final int STRIDE = 6;

    @TempDir
    static Path out;

    private static RunReport report;
    private static List<Row> rows;
    private static StructType schema;
    private static SeriesTable input;

    @BeforeAll
    static void runSampleJob() {
        String output = out.resolve("sample").toString();
        report = Jobs.run("conf/sample.conf", "output.path=" + output);
        var written = TestSpark.session().read().parquet(output);
        schema = written.schema();
        rows = written.collectAsList();
        input = SeriesTable.collect(TestSpark.session().read().parquet("sample-data/sensors"),
                "sensor_id", "ts", FEATURES);
    }

    @Test
    void everyOutputColumnEqualsTheOracleForEveryWindow() {
        SampleWeights weights = SampleWeights.read(Path.of("sample-data/model-weights"));
        for (Row row : rows) {
            Object series = row.getAs("series_id");
            int start = input.indexOf(series, row.getAs("window_start"));
            assertTrue(start >= 0, "window_start of " + series + " is one of its timestamps");
            LstmOracle.States states = LstmOracle.run(weights.lstm(), input.window(series, start, LENGTH));
            String where = series + " @ " + row.getAs("window_start");

            Tolerance.assertAllClose(LstmOracle.dense(states.lastH(), weights.denseKernel(), weights.denseBias()),
                    Rows.floats(row, "forecast"), 1e-5, where + " forecast");
            Tolerance.assertAllClose(states.lastH(), Rows.floats(row, "hidden_state"), 1e-5,
                    where + " hidden_state");
            Tolerance.assertAllClose(states.lastC(), Rows.floats(row, "cell_state"), 1e-5,
                    where + " cell_state");
            float[][] sequence = Rows.floatMatrix(row, "output_sequence");
            assertEquals(LENGTH, sequence.length);
            for (int t = 0; t < LENGTH; t++) {
                Tolerance.assertAllClose(states.h()[t], sequence[t], 1e-5, where + " output_sequence[" + t + "]");
            }
        }
    }

    @Test
    void windowsAreEveryStrideOfEverySeriesLongEnough() {
        Set<String> expected = new HashSet<>();
        for (Map.Entry<Object, List<SeriesTable.Step>> series : input.series().entrySet()) {
            List<SeriesTable.Step> steps = series.getValue();
            for (int start = 0; start + LENGTH <= steps.size(); start += STRIDE) {
                expected.add(series.getKey() + "|" + steps.get(start).timestamp() + "|"
                        + steps.get(start + LENGTH - 1).timestamp());
            }
        }
        Set<String> actual = new HashSet<>();
        for (Row row : rows) {
            actual.add(row.getAs("series_id") + "|" + row.getAs("window_start") + "|" + row.getAs("window_end"));
        }
        assertEquals(rows.size(), actual.size(), "no window is written twice");
        assertEquals(expected, actual);
    }

    @Test
    void reportCountsReconcileWithInputAndOutput() {
        long inputRows = input.series().values().stream().mapToLong(List::size).sum();
        long shortSeries = input.series().values().stream().filter(s -> s.size() < LENGTH).count();
        Counts counts = report.counts();
        assertEquals(inputRows, counts.inputRows());
        assertEquals(input.series().size(), counts.series());
        assertEquals(rows.size(), counts.windowsWritten());
        assertEquals(Map.of("series_shorter_than_window", shortSeries), counts.skipped());
        assertTrue(shortSeries > 0, "the sample has series shorter than a window");
        assertEquals((rows.size() + 1023) / 1024, counts.batches(), 2, "batches of 1024 (the default), one partial "
                + "per task");
    }

    @Test
    void theSampleModelsOwnGraphRunsWithoutLstmSparksKernel() {
        // Its signature has the states as outputs: no steps for lstm-spark to build.
        assertFalse(report.executors().isEmpty());
        report.executors().forEach((id, executor) -> assertFalse(executor.lstmGatesKernel(), "executor " + id));
    }

    @Test
    void parquetColumnsKeepInputKeyTypesAndOutputRanks() {
        assertEquals(DataTypes.StringType, schema.apply("series_id").dataType());
        assertEquals(DataTypes.TimestampType, schema.apply("window_start").dataType());
        assertEquals(DataTypes.TimestampType, schema.apply("window_end").dataType());
        assertEquals(arrayOf(DataTypes.FloatType), schema.apply("forecast").dataType());
        assertEquals(arrayOf(DataTypes.FloatType), schema.apply("hidden_state").dataType());
        assertEquals(arrayOf(arrayOf(DataTypes.FloatType)), schema.apply("output_sequence").dataType());
        Row first = rows.get(0);
        assertEquals(16, first.getList(first.fieldIndex("hidden_state")).size());
        assertEquals(1, first.getList(first.fieldIndex("forecast")).size());
        assertArrayEquals(new String[] {"series_id", "window_start", "window_end", "forecast", "hidden_state",
                "cell_state", "output_sequence"}, schema.fieldNames(), "columns in configuration order");
    }

    @Test
    void reportNamesTheVersionThePomBuilds() throws Exception {
        JsonNode written = RunReport.mapper().readTree(out.resolve("sample").resolve(RunReport.FILE_NAME).toFile());
        String pom = Files.readString(Path.of("pom.xml"));
        Matcher version = Pattern.compile("<artifactId>lstm-spark</artifactId>\\s*<version>([^<]+)</version>")
                .matcher(pom);
        assertTrue(version.find(), "pom.xml names the project's version");
        assertEquals(version.group(1), written.path("version").asText());
    }

    private static DataType arrayOf(DataType element) {
        // Parquet readers see every column as nullable, whatever the writer declared.
        return ArrayType.apply(element, true);
    }
}
