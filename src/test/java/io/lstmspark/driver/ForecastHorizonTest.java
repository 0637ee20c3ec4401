package io.lstmspark.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lstmspark.LstmSparkException;
import io.lstmspark.report.Counts;
import io.lstmspark.report.RunReport;
import io.lstmspark.testing.Jobs;
import io.lstmspark.testing.SharedModels;
import io.lstmspark.testing.TestSpark;
import io.lstmspark.testing.Tolerance;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * forecast.horizon on real models, against the forecasts TensorFlow computed outside the job
 * (src/test/resources/fixtures/horizon/make_horizon_fixtures.py): recursive (the msft close model on its own
 * prices; a one-step model with a future covariate) and direct (a Keras model with a 4-step output).
 */
class ForecastHorizonTest {

    private static final Path FIXTURES = Path.of("src/test/resources/fixtures/horizon");
    private static final String MSFT = SharedModels.savedModel("msft_close_lstm").toString();
    private static final Instant START = Instant.parse("2026-03-01T00:00:00Z");

    @TempDir
    static Path dir;

    private static JsonNode expected;

    @BeforeAll
    static void readExpected() throws IOException {
        expected = new ObjectMapper().readTree(FIXTURES.resolve("expected.json").toFile());
    }

    private static Timestamp hour(long h) {
        return Timestamp.from(START.plusSeconds(3600 * h));
    }

    /** Series "s0", "s1", ... of the case, hourly from START, one column per feature. */
    private static String write(String name, JsonNode series, List<String> features) {
        StructType schema = new StructType().add("id", DataTypes.StringType).add("ts", DataTypes.TimestampType);
        for (String feature : features) {
            schema = schema.add(feature, DataTypes.DoubleType);
        }
        List<Row> rows = new ArrayList<>();
        for (int s = 0; s < series.size(); s++) {
            JsonNode steps = series.get(s);
            for (int t = 0; t < steps.size(); t++) {
                Object[] values = new Object[2 + features.size()];
                values[0] = "s" + s;
                values[1] = hour(t);
                for (int f = 0; f < features.size(); f++) {
                    values[2 + f] = steps.get(t).isArray() ? steps.get(t).get(f).asDouble() : steps.get(t).asDouble();
                }
                rows.add(RowFactory.create(values));
            }
        }
        String path = dir.resolve(name).toString();
        TestSpark.session().createDataFrame(rows, schema).write().parquet(path);
        return path;
    }

    private static List<Row> read(String output) {
        return TestSpark.session().read().parquet(dir.resolve(output).toString()).orderBy("series_id", "window_end")
                .collectAsList();
    }

    private static List<Row> readLong(String output) {
        return TestSpark.session().read().parquet(dir.resolve(output).toString()).orderBy("series_id", "step")
                .collectAsList();
    }

    private static String[] msftJob(String input, String output, String... more) {
        List<String> all = new ArrayList<>(List.of("input.path=" + input, "input.series-id=id", "input.timestamp=ts",
                "input.features=close", "mode=forecast", "model.path=" + MSFT, "outputs={y = dense_17}",
                "forecast.horizon=5", "forecast.feedback={close = y}", "output.path=" + dir.resolve(output)));
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    @Test
    void recursiveMsftForecastMatchesTensorFlowStepByStepWithInferredHourlyTimestamps() {
        JsonNode msft = expected.get("msft");
        String input = write("msft", msft.get("series"), List.of("close"));
        // Batches of 2 series: the recursion runs batched, and a short last batch too.
        RunReport report = Jobs.run(null, msftJob(input, "msft-long", "batch.size=2"));

        List<Row> rows = readLong("msft-long");
        assertEquals(15, rows.size(), "3 series x 5 steps");
        assertEquals(3, report.counts().windowsWritten());
        for (int s = 0; s < 3; s++) {
            for (int k = 1; k <= 5; k++) {
                Row row = rows.get(s * 5 + k - 1);
                assertEquals("s" + s, row.getAs("series_id"));
                assertEquals(k, (int) row.getAs("step"));
                assertEquals(hour(8), row.getAs("window_end"));
                assertEquals(hour(8 + k), row.getAs("forecast_ts"), "window_end + step x the inferred 1h");
                Tolerance.assertClose(msft.get("forecast").get(s).get(k - 1).asDouble(), (float) row.getAs("y"), 1e-4,
                        "s" + s + " step " + k);
            }
        }
    }

    @Test
    void wideLayoutKeepsOneRowPerSeriesWithArraysOfSteps() {
        JsonNode msft = expected.get("msft");
        String input = write("msft-wide-input", msft.get("series"), List.of("close"));
        Jobs.run(null, msftJob(input, "msft-wide", "forecast.layout=wide", "forecast.frequency=2h"));

        List<Row> rows = read("msft-wide");
        assertEquals(3, rows.size());
        assertEquals(List.of("series_id", "window_start", "window_end", "forecast_ts", "y"),
                Arrays.asList(rows.get(0).schema().fieldNames()));
        for (int s = 0; s < 3; s++) {
            Row row = rows.get(s);
            assertEquals(hour(4), row.getAs("window_start"));
            List<Object> times = row.getList(row.fieldIndex("forecast_ts"));
            assertEquals(List.of(hour(10), hour(12), hour(14), hour(16), hour(18)), times,
                    "forecast.frequency = 2h, as set, whatever the data's own interval");
            List<Float> y = row.getList(row.fieldIndex("y"));
            for (int k = 0; k < 5; k++) {
                Tolerance.assertClose(msft.get("forecast").get(s).get(k).asDouble(), y.get(k), 1e-4,
                        "s" + s + "[" + k + "]");
            }
        }
    }

    @Test
    void directModelGivesStepKAsValueKForOutputsOfShapeNAndNByOne() {
        JsonNode direct = expected.get("direct");
        String input = write("direct", direct.get("series"), List.of("a", "b"));
        Jobs.run(null, "input.path=" + input, "input.series-id=id", "input.timestamp=ts", "input.features=a,b",
                "mode=forecast", "model.path=" + FIXTURES.resolve("keras_direct"),
                "outputs={flat = output_0, column = output_1}", "forecast.horizon=4", "forecast.frequency=1h",
                "output.path=" + dir.resolve("direct-out"));

        List<Row> rows = readLong("direct-out");
        assertEquals(8, rows.size());
        // Outputs given on one line come in name order.
        assertEquals(List.of("series_id", "window_end", "step", "forecast_ts", "column", "flat"),
                Arrays.asList(rows.get(0).schema().fieldNames()));
        for (int s = 0; s < 2; s++) {
            for (int k = 1; k <= 4; k++) {
                Row row = rows.get(s * 4 + k - 1);
                assertEquals(hour(7 + k), row.getAs("forecast_ts"));
                Tolerance.assertClose(direct.get("forecast").get(s).get(k - 1).asDouble(), (float) row.getAs("flat"),
                        1e-4, "output_0 of s" + s + " step " + k);
                Tolerance.assertClose(direct.get("forecast_column").get(s).get(k - 1).asDouble(),
                        (float) row.getAs("column"), 1e-4, "output_1 of s" + s + " step " + k);
            }
        }
    }

    private static String[] covariateJob(String input, String output, String... more) {
        List<String> all = new ArrayList<>(List.of("input.path=" + input, "input.series-id=id", "input.timestamp=ts",
                "input.features=y,x", "mode=forecast", "model.path=" + FIXTURES.resolve("keras_covariate"),
                "outputs={next = output_0}", "forecast.horizon=5", "forecast.feedback={y = next}",
                "forecast.cutoff=2026-03-01 06:00:00", "output.path=" + dir.resolve(output)));
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    @Test
    void recursiveModelTakesItsCovariateFromTheRowsAfterTheCutoff() {
        JsonNode covariate = expected.get("covariate");
        String input = write("covariate", covariate.get("series"), List.of("y", "x"));
        RunReport report = Jobs.run(null, covariateJob(input, "covariate-out"));

        List<Row> rows = readLong("covariate-out");
        assertEquals(10, rows.size());
        for (int s = 0; s < 2; s++) {
            for (int k = 1; k <= 5; k++) {
                Row row = rows.get(s * 5 + k - 1);
                assertEquals(hour(6), row.getAs("window_end"));
                Tolerance.assertClose(covariate.get("forecast").get(s).get(k - 1).asDouble(), (float) row.getAs("next"),
                        1e-4, "s" + s + " step " + k);
            }
        }
        assertEquals(2 * 4, report.counts().rowsAfterCutoff(), "each series' 4 future rows");
    }

    @Test
    void seriesWithoutEnoughFutureRowsIsQuarantinedNamingItOrFailsTheRun() {
        JsonNode covariate = expected.get("covariate");
        List<Row> rows = new ArrayList<>();
        JsonNode steps = covariate.get("series").get(0);
        for (int t = 0; t < steps.size(); t++) {
            double y = steps.get(t).get(0).asDouble();
            double x = steps.get(t).get(1).asDouble();
            rows.add(RowFactory.create("full", hour(t), y, x));
            if (t < 9) {
                // two rows after the cutoff instead of four
                rows.add(RowFactory.create("short", hour(t), y, x));
            }
        }
        StructType schema = new StructType().add("id", DataTypes.StringType).add("ts", DataTypes.TimestampType)
                .add("y", DataTypes.DoubleType).add("x", DataTypes.DoubleType);
        String input = dir.resolve("short-future").toString();
        TestSpark.session().createDataFrame(rows, schema).write().parquet(input);

        Exception e = assertThrows(Exception.class, () -> Jobs.run(null, covariateJob(input, "short-fail")));
        String message = LstmSparkException.find(e).orElseThrow(() -> new AssertionError("not a user error", e))
                .getMessage();
        assertTrue(message.contains("series short (missing_future_covariates)") && message.contains("[x]")
                && message.contains("the series has 2"), message);

        Counts counts = Jobs.run(null, covariateJob(input, "short-quarantine", "input.on-bad=quarantine")).counts();
        assertEquals(Map.of("missing_future_covariates", 1L), counts.windowsQuarantined());
        assertEquals(1, counts.windowsWritten());
        assertEquals(counts.windowsCut(), counts.windowsWritten() + 1);
        List<Row> records = TestSpark.session().read().parquet(dir.resolve("short-quarantine/_quarantine").toString())
                .collectAsList();
        assertEquals(1, records.size());
        assertEquals("short", records.get(0).getAs("series_id"));
        assertEquals("missing_future_covariates", records.get(0).getAs("reason"));
        assertEquals(5, readLong("short-quarantine").size());
    }

    @Test
    void irregularSeriesIsQuarantinedWhenItsIntervalMustBeInferred() {
        List<Row> rows = new ArrayList<>();
        double[] closes = {250, 251, 252, 251, 253, 254};
        long[] regular = {0, 1, 2, 3, 4, 5};
        long[] irregular = {0, 1, 2, 3, 5, 6};
        for (int t = 0; t < closes.length; t++) {
            rows.add(RowFactory.create("even", hour(regular[t]), closes[t]));
            rows.add(RowFactory.create("uneven", hour(irregular[t]), closes[t]));
        }
        StructType schema = new StructType().add("id", DataTypes.StringType).add("ts", DataTypes.TimestampType)
                .add("close", DataTypes.DoubleType);
        String input = dir.resolve("irregular").toString();
        TestSpark.session().createDataFrame(rows, schema).write().parquet(input);

        Exception e = assertThrows(Exception.class, () -> Jobs.run(null, msftJob(input, "irregular-fail")));
        String message = LstmSparkException.find(e).orElseThrow(() -> new AssertionError("not a user error", e))
                .getMessage();
        assertTrue(message.contains("series uneven (irregular_steps)") && message.contains("forecast.frequency"),
                message);

        Counts counts = Jobs.run(null, msftJob(input, "irregular-quarantine", "input.on-bad=quarantine")).counts();
        assertEquals(Map.of("irregular_steps", 1L), counts.windowsQuarantined());
        assertEquals(1, counts.windowsWritten());

        // A lookback of a day: the default (window.length hours before the latest step) would leave both short.
        Jobs.run(null, msftJob(input, "irregular-frequency", "forecast.frequency=1h", "forecast.lookback=1d"));
        assertEquals(10, readLong("irregular-frequency").size(), "with forecast.frequency both series are forecast");
    }

    @Test
    void integerTimestampsStepByTheirInferredInterval() {
        JsonNode msft = expected.get("msft");
        List<Row> rows = new ArrayList<>();
        JsonNode closes = msft.get("series").get(0);
        for (int t = 0; t < closes.size(); t++) {
            rows.add(RowFactory.create("s0", 100L + 10L * t, closes.get(t).asDouble()));
        }
        StructType schema = new StructType().add("id", DataTypes.StringType).add("ts", DataTypes.LongType)
                .add("close", DataTypes.DoubleType);
        String input = dir.resolve("integer-ts").toString();
        TestSpark.session().createDataFrame(rows, schema).write().parquet(input);
        Jobs.run(null, msftJob(input, "integer-out"));

        List<Row> out = readLong("integer-out");
        for (int k = 1; k <= 5; k++) {
            assertEquals(180L, (long) out.get(k - 1).getAs("window_end"));
            assertEquals(180L + 10L * k, (long) out.get(k - 1).getAs("forecast_ts"));
            Tolerance.assertClose(msft.get("forecast").get(0).get(k - 1).asDouble(), (float) out.get(k - 1).getAs("y"),
                    1e-4, "step " + k);
        }
    }

    @Test
    void dateTimestampsStepByWholeDays() {
        List<Row> rows = new ArrayList<>();
        JsonNode closes = expected.get("msft").get("series").get(1);
        for (int t = 0; t < closes.size(); t++) {
            rows.add(RowFactory.create("s1", java.sql.Date.valueOf(java.time.LocalDate.of(2026, 2, 25).plusDays(t)),
                    closes.get(t).asDouble()));
        }
        StructType schema = new StructType().add("id", DataTypes.StringType).add("ts", DataTypes.DateType)
                .add("close", DataTypes.DoubleType);
        String input = dir.resolve("date-ts").toString();
        TestSpark.session().createDataFrame(rows, schema).write().parquet(input);
        Jobs.run(null, msftJob(input, "date-out", "forecast.frequency=1d"));

        List<Row> out = readLong("date-out");
        assertEquals(java.sql.Date.valueOf("2026-03-05"), out.get(0).getAs("window_end"));
        assertEquals(java.sql.Date.valueOf("2026-03-06"), out.get(0).getAs("forecast_ts"));
        assertEquals(java.sql.Date.valueOf("2026-03-10"), out.get(4).getAs("forecast_ts"));
        Tolerance.assertClose(expected.get("msft").get("forecast").get(1).get(4).asDouble(),
                (float) out.get(4).getAs("y"), 1e-4, "step 5");
    }

    @Test
    void recursionCallsTheModelOncePerStepForAWholeBatchOfSeries() {
        List<Row> rows = new ArrayList<>();
        for (int s = 0; s < 3; s++) {
            for (int t = 0; t < 4; t++) {
                rows.add(RowFactory.create("s" + s, hour(t), 10.0 * s + t));
            }
        }
        StructType schema = new StructType().add("id", DataTypes.StringType).add("ts", DataTypes.TimestampType)
                .add("v", DataTypes.DoubleType);
        String input = dir.resolve("batched").toString();
        TestSpark.session().createDataFrame(rows, schema).write().parquet(input);
        String model = io.lstmspark.testing.TestModels.sumPlusCallSize(dir, 3).toString();
        Jobs.run(null, "input.path=" + input, "input.series-id=id", "input.timestamp=ts", "input.features=v",
                "mode=forecast", "model.path=" + model, "outputs={y = y}", "forecast.horizon=3",
                "forecast.feedback={v = y}", "batch.size=2", "input.partitions=1",
                "output.path=" + dir.resolve("batched-out"));

        List<Row> out = readLong("batched-out");
        for (int s = 0; s < 3; s++) {
            // s0 and s1 share every call (2 windows), s2 is alone in the last batch (1 window)
            int callSize = s < 2 ? 2 : 1;
            double[] window = {10.0 * s + 1, 10.0 * s + 2, 10.0 * s + 3};
            for (int k = 1; k <= 3; k++) {
                double y = window[0] + window[1] + window[2] + callSize;
                Tolerance.assertClose(y, (float) out.get(s * 3 + k - 1).getAs("y"), 1e-6, "s" + s + " step " + k);
                window = new double[] {window[1], window[2], y};
            }
        }
    }
}
