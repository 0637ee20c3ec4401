package io.lstmspark.api;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lstmspark.LstmSparkException;
import io.lstmspark.report.Counts;
import io.lstmspark.report.RunReport;
import io.lstmspark.sample.LstmWeights;
import io.lstmspark.sample.SampleModel;
import io.lstmspark.testing.Jobs;
import io.lstmspark.testing.LstmOracle;
import io.lstmspark.testing.Rows;
import io.lstmspark.testing.SampleWeights;
import io.lstmspark.testing.TestData;
import io.lstmspark.testing.TestModels;
import io.lstmspark.testing.TestSpark;
import io.lstmspark.testing.Tolerance;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The DataFrame API on Datasets built in memory: windows checked against the plain-Java LSTM oracle,
 * the quarantine as the job writes it, and the job's checks when the result is defined.
 */
class DataFrameApiTest {

    private static final int LENGTH = 5;

    @TempDir
    static Path dir;

    private static SparkSession spark;
    private static String model;
    private static SampleWeights weights;
    private static int runs;

    @BeforeAll
    static void buildModel() {
        spark = TestSpark.session();
        model = TestModels.savedModel(dir, 2, 3, LENGTH, 7).toString();
        weights = SampleWeights.read(dir.resolve("weights"));
    }

    private static Dataset<Row> steps(List<Row> rows) {
        return spark.createDataFrame(rows, TestData.SCHEMA);
    }

    private static LstmSpark lstm() {
        return LstmSpark.model(model).seriesId("id").timestamp("ts").features("x0", "x1")
                .output("forecast", "forecast").output("h", "hidden_state");
    }

    /** Step t of series i as TestData makes it. */
    private static double[][] window(int series, int start) {
        double[][] x = new double[LENGTH][];
        for (int t = 0; t < LENGTH; t++) {
            x[t] = new double[] {Math.sin(0.3 * (start + t) + series), Math.cos(0.2 * (start + t)) - series / 10.0};
        }
        return x;
    }

    private static String written(Dataset<Row> rows) {
        String path = dir.resolve("written-" + runs++).toString();
        rows.write().parquet(path);
        return path;
    }

    private static String userError(Throwable failure) {
        return LstmSparkException.find(failure).orElseThrow(() -> new AssertionError("not a user error", failure))
                .getMessage();
    }

    @Test
    void windowsOfAFilteredDataFrameJoinedAndWrittenByTheCallerEqualTheOracle() {
        Dataset<Row> lastSteps = steps(TestData.rows(12, 9, 3)).filter(col("ts").geq(TestData.minute(2)));
        Dataset<Row> sites = spark.createDataFrame(List.of(RowFactory.create("s0", "north"),
                RowFactory.create("s1", "south")), new StructType().add("id", DataTypes.StringType)
                .add("site", DataTypes.StringType));

        LstmResult result = lstm().define(lastSteps);
        Dataset<Row> withSites = result.rows().join(sites, result.rows().col("series_id").equalTo(sites.col("id")))
                .drop("id");
        List<Row> rows = spark.read().parquet(written(withSites)).collectAsList();

        // From step 2 on: s0 has 10 steps (6 windows), s1 7 (3 windows), s2 one (none).
        assertEquals(9, rows.size());
        Set<String> starts = rows.stream().map(r -> r.getAs("series_id") + "@" + r.getAs("window_start"))
                .collect(Collectors.toSet());
        assertEquals(9, starts.size(), "no window twice");
        for (Row row : rows) {
            int series = Integer.parseInt(((String) row.getAs("series_id")).substring(1));
            int start = (int) ((((java.sql.Timestamp) row.getAs("window_start")).getTime()
                    - TestData.minute(0).getTime()) / 60_000);
            assertTrue(start >= 2, "the filter's steps only");
            assertEquals(series == 0 ? "north" : "south", row.getAs("site"));
            LstmOracle.States states = LstmOracle.run(weights.lstm(), window(series, start));
            String where = "s" + series + " @ " + start;
            Tolerance.assertAllClose(states.lastH(), Rows.floats(row, "h"), 1e-5, where + " h");
            Tolerance.assertAllClose(LstmOracle.dense(states.lastH(), weights.denseKernel(), weights.denseBias()),
                    Rows.floats(row, "forecast"), 1e-5, where + " forecast");
        }
        Counts counts = result.counts();
        assertEquals(18, counts.inputRows(), "the filtered steps");
        assertEquals(9, counts.windowsWritten());
        assertEquals(false, result.setAside());
    }

    @Test
    void definingTheResultRunsNoSparkJob() {
        String group = "define-" + runs++;
        spark.sparkContext().setJobGroup(group, "defining the API's result", false);
        try {
            LstmResult result = lstm().define(steps(TestData.rows(8, 8)));
            result.quarantine();
            assertEquals(0, spark.sparkContext().statusTracker().getJobIdsForGroup(group).length);
            assertEquals(LENGTH, result.windowLength());
        } finally {
            spark.sparkContext().clearJobGroup();
        }
    }

    /** The same rows given to the job, as a Parquet file, and to the API, as a Dataset. */
    private static void assertSameRefusalAsTheJob(List<Row> rows, StructType schema, String... keys) {
        String input = TestData.writeParquet(dir.resolve("job-" + runs++), rows, schema);
        List<String> args = new ArrayList<>(List.of("input.path=" + input, "input.series-id=id", "input.timestamp=ts",
                "input.features=x0,x1", "model.path=" + model, "outputs.forecast=forecast",
                "outputs.h=hidden_state", "output.path=" + dir.resolve("job-out-" + runs++)));
        args.addAll(List.of(keys));
        String jobMessage = userError(assertThrows(Exception.class, () -> Jobs.run(null, args.toArray(String[]::new))));

        LstmTransformer transformer = lstm().transformer();
        for (String key : keys) {
            String name = key.substring(0, key.indexOf('='));
            String value = key.substring(key.indexOf('=') + 1);
            switch (name) {
                case "input.series-id" -> transformer.setSeriesIdCol(value);
                case "input.features" -> transformer.setFeatureCols(value.split(","));
                case "outputs.forecast" -> transformer.setOutput("forecast", value);
                default -> transformer.setJobKey(name, value);
            }
        }
        Dataset<Row> steps = spark.createDataFrame(rows, schema);
        String apiMessage = userError(assertThrows(Exception.class, () -> transformer.define(steps)));
        assertEquals(jobMessage.replace(input, JobKeys.INPUT), apiMessage);
        assertEquals(apiMessage, userError(assertThrows(Exception.class, () -> transformer.transform(steps))));
    }

    @Test
    void aMissingColumnIsRefusedWithTheJobsMessage() {
        assertSameRefusalAsTheJob(TestData.rows(6), TestData.SCHEMA, "input.series-id=sensor");
    }

    @Test
    void aTextFeatureIsRefusedWithTheJobsMessage() {
        StructType schema = TestData.SCHEMA.add("label", DataTypes.StringType);
        List<Row> rows = TestData.rows(6).stream().map(r -> RowFactory.create(r.get(0), r.get(1), r.get(2), r.get(3),
                "a")).toList();
        assertSameRefusalAsTheJob(rows, schema, "input.features=x0,label");
    }

    @Test
    void anOutputTheModelLacksIsRefusedWithTheJobsMessage() {
        assertSameRefusalAsTheJob(TestData.rows(6), TestData.SCHEMA, "outputs.forecast=no_such_output");
    }

    @Test
    void aWindowLengthTheModelCannotTakeIsRefusedWithTheJobsMessage() {
        assertSameRefusalAsTheJob(TestData.rows(6), TestData.SCHEMA, "window.length=" + (LENGTH + 1));
    }

    /** Clean series s0 and s1 (6 steps each), and s2 with a NaN, an infinite and a null feature value. */
    private static List<Row> withBadValues() {
        List<Row> rows = new ArrayList<>(TestData.rows(6, 6));
        for (int t = 0; t < 6; t++) {
            Double x0 = t == 2 ? Double.valueOf(Double.NaN) : t == 3 ? Double.valueOf(Double.POSITIVE_INFINITY)
                    : t == 5 ? null : Double.valueOf(t);
            rows.add(RowFactory.create("s2", TestData.minute(t), x0, 0.5));
        }
        return rows;
    }

    @Test
    void quarantineHoldsTheRecordsTheJobWritesToItsQuarantine() {
        List<Row> rows = withBadValues();
        String input = TestData.writeParquet(dir.resolve("job-" + runs++), rows, TestData.SCHEMA);
        String jobOutput = dir.resolve("job-out-" + runs++).toString();
        RunReport report = Jobs.run(null, "input.path=" + input, "input.series-id=id", "input.timestamp=ts",
                "input.features=x0,x1", "model.path=" + model, "outputs.forecast=forecast", "outputs.h=hidden_state",
                "input.on-bad=quarantine", "output.path=" + jobOutput);

        LstmResult result = lstm().quarantineBadInput().define(steps(rows));
        long written = spark.read().parquet(written(result.rows())).count();
        assertTrue(result.setAside(), "the caller learns that records were set aside");
        List<Row> records = spark.read().parquet(written(result.quarantine())).collectAsList();

        assertEquals(report.counts().windowsWritten(), written);
        assertEquals(report.counts(), result.counts(), "the job's counts");
        // Three rows with bad values, and s2's two windows, which hold them.
        assertEquals(5, records.size());
        assertEquals(result.counts().quarantineRecords(), records.size(), "every record set aside is in quarantine()");
        assertEquals(Set.copyOf(spark.read().parquet(jobOutput + "/_quarantine").collectAsList()), Set.copyOf(records));
    }

    @Test
    void aBadValueFailsTheCallersActionWithTheJobsMessageByDefault() {
        LstmResult result = lstm().define(steps(withBadValues()));
        String message = userError(assertThrows(Exception.class, () -> result.rows().count()));
        assertTrue(message.contains("series s2") && message.contains("feature 'x0' is NaN")
                && message.contains("input.on-bad"), message);
    }

    @Test
    void transformRefusesQuarantineWhoseRecordsItCouldNotReturn() {
        LstmTransformer transformer = lstm().quarantineBadInput().transformer();
        String message = userError(assertThrows(Exception.class,
                () -> transformer.transform(steps(TestData.rows(6)))));
        assertTrue(message.contains("define(Dataset)") && message.contains("quarantine()"), message);
    }

    @Test
    void jobKeysCannotSetWhatAParameterOrTheCallerOwns() {
        String owned = userError(assertThrows(Exception.class,
                () -> lstm().jobKey("outputs.y", "forecast").define(steps(TestData.rows(6)))));
        assertEquals("job key outputs.y is the transformer's parameter outputs: set it there, not in jobKeys", owned);
        String callers = userError(assertThrows(Exception.class,
                () -> lstm().jobKey("output.path", "/tmp/x").define(steps(TestData.rows(6)))));
        assertTrue(callers.startsWith("job key output.path is about reading or writing files"), callers);
    }

    @Test
    void streamModeGivesEveryStepTheStateOfOneUninterruptedRun() {
        LstmWeights chunkWeights = LstmWeights.random(2, 5, 31);
        Path stateful = dir.resolve("stateful");
        SampleModel.exportStatefulSavedModel(chunkWeights, 4, stateful);
        chunkWeights.writeNpy(dir.resolve("stateful-weights"));
        LstmOracle.Layer lstm = SampleWeights.read(dir.resolve("stateful-weights")).lstm();

        LstmResult result = LstmSpark.model(stateful.toString()).seriesId("id").timestamp("ts").features("x0", "x1")
                .mode("stream").output("h", "output_sequence").jobKey("stream.layout", "step")
                .jobKey("model.state-inputs", "[initial_h, initial_c]")
                .jobKey("model.state-outputs", "[hidden_state, cell_state]")
                .define(steps(TestData.rows(10, 7)));
        List<Row> rows = result.rows().collectAsList();

        assertEquals(17, rows.size(), "one row per step");
        for (Row row : rows) {
            int series = Integer.parseInt(((String) row.getAs("series_id")).substring(1));
            int step = Math.toIntExact((Long) row.getAs("step"));
            double[][] x = new double[series == 0 ? 10 : 7][];
            for (int t = 0; t < x.length; t++) {
                x[t] = new double[] {Math.sin(0.3 * t + series), Math.cos(0.2 * t) - series / 10.0};
            }
            Tolerance.assertAllClose(LstmOracle.run(lstm, x).h()[step], Rows.floats(row, "h"), 1e-5,
                    "s" + series + " step " + step);
        }
        assertEquals(17, result.counts().inputRows());
    }

    @Test
    void windowsWithOutputsNotFiniteAreInTheQuarantineUnderOnNanQuarantine() {
        String logModel = TestModels.logOfInput(dir, 3).toString();
        List<Row> rows = new ArrayList<>();
        double[] neg = {1, 2, -1, 3, 4, 5};
        for (int t = 0; t < neg.length; t++) {
            rows.add(RowFactory.create("neg", TestData.minute(t), neg[t], 0.0));
            rows.add(RowFactory.create("ok", TestData.minute(t), t + 1.0, 0.0));
        }
        LstmResult result = LstmSpark.model(logModel).seriesId("id").timestamp("ts").features("x0")
                .jobKey("model.input", "x").output("mean", "mean").output("logs", "logs").onNan("quarantine")
                .define(steps(rows));

        List<Row> written = spark.read().parquet(written(result.rows())).collectAsList();
        List<Row> records = spark.read().parquet(written(result.quarantine())).collectAsList();

        // log(-1) is NaN: the windows of "neg" starting at steps 0, 1 and 2 hold it; 4 + 1 windows are finite.
        assertEquals(5, written.size());
        assertEquals(3, records.size());
        assertTrue(records.stream().allMatch(r -> r.getAs("series_id").equals("neg")
                && r.getAs("kind").equals("window")), records.toString());
        assertEquals(Map.of("logs", 3L), result.counts().nanOutputs());
        assertTrue(result.setAside());
    }
}
