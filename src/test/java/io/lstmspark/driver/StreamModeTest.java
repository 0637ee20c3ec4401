package io.lstmspark.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lstmspark.LstmSparkException;
import io.lstmspark.report.RunReport;
import io.lstmspark.sample.LstmWeights;
import io.lstmspark.sample.SampleModel;
import io.lstmspark.testing.Jobs;
import io.lstmspark.testing.LstmOracle;
import io.lstmspark.testing.Rows;
import io.lstmspark.testing.SampleWeights;
import io.lstmspark.testing.TestData;
import io.lstmspark.testing.TestSpark;
import io.lstmspark.testing.Tolerance;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Stream mode: every series fed chunk after chunk with the state carried, giving the states of one
 * uninterrupted run over the whole series, whatever the chunk length.
 */
class StreamModeTest {

    /** Series of very different lengths: shorter than, equal to and longer than the chunks, short last chunks. */
    private static final int[] LENGTHS = {1, 6, 7, 8, 20, 23, 40};
    private static final int UNITS = 5;

    @TempDir
    static Path dir;

    private static String input;
    private static SampleWeights weights;

    @BeforeAll
    static void writeSeries() {
        input = TestData.writeParquet(dir, TestData.rows(LENGTHS), TestData.SCHEMA);
        LstmWeights.random(2, UNITS, 31).writeNpy(dir.resolve("weights"));
        weights = SampleWeights.read(dir.resolve("weights"));
    }

    /** A stateful model taking chunks of {@code chunkLength} steps, same weights for every length. */
    private static String model(int chunkLength) {
        Path model = dir.resolve("model-" + chunkLength);
        if (!model.toFile().exists()) {
            SampleModel.exportStatefulSavedModel(LstmWeights.random(2, UNITS, 31), chunkLength, model);
        }
        return model.toString();
    }

    private static List<String> job(int chunkLength, String layout, String output) {
        return new ArrayList<>(List.of("input.path=" + input, "input.series-id=id", "input.timestamp=ts",
                "input.features=x0,x1", "mode=stream", "stream.layout=" + layout, "model.path=" + model(chunkLength),
                "model.state-inputs=[initial_h, initial_c]", "model.state-outputs=[hidden_state, cell_state]",
                "outputs={h = output_sequence, c = cell_sequence}", "batch.size=3",
                "output.path=" + dir.resolve(output)));
    }

    /** The oracle: one run over all of series i from zero state. */
    private static LstmOracle.States uninterrupted(int series) {
        double[][] x = new double[LENGTHS[series]][];
        for (int t = 0; t < x.length; t++) {
            x[t] = new double[] {Math.sin(0.3 * t + series), Math.cos(0.2 * t) - series / 10.0};
        }
        return LstmOracle.run(weights.lstm(), x);
    }

    @ParameterizedTest(name = "chunks of {0} steps")
    @ValueSource(ints = {1, 7, 40})
    void everyStepsStatesEqualOneUninterruptedRun(int chunkLength) {
        RunReport report = Jobs.run(null, job(chunkLength, "step", "steps-" + chunkLength).toArray(String[]::new));
        List<Row> rows = TestSpark.session().read().parquet(dir.resolve("steps-" + chunkLength).toString())
                .collectAsList();
        int totalSteps = java.util.Arrays.stream(LENGTHS).sum();
        assertEquals(totalSteps, rows.size(), "one row per input step");
        assertEquals(totalSteps, report.counts().inputRows());
        for (Row row : rows) {
            int series = Integer.parseInt(((String) row.getAs("series_id")).substring(1));
            int step = Math.toIntExact((Long) row.getAs("step"));
            assertEquals(TestData.minute(step), row.getAs("timestamp"));
            LstmOracle.States states = uninterrupted(series);
            String where = "s" + series + " step " + step + ", chunks of " + chunkLength;
            Tolerance.assertAllClose(states.h()[step], Rows.floats(row, "h"), 1e-5, where + " h");
            Tolerance.assertAllClose(states.c()[step], Rows.floats(row, "c"), 1e-5, where + " c");
        }
    }

    @Test
    void chunkLayoutGivesOneRowPerChunkWithItsRealSteps() {
        Jobs.run(null, job(7, "chunk", "chunks").toArray(String[]::new));
        var written = TestSpark.session().read().parquet(dir.resolve("chunks").toString());
        StructType schema = written.schema();
        assertEquals(DataTypes.LongType, schema.apply("chunk_index").dataType());
        assertEquals(DataTypes.IntegerType, schema.apply("steps").dataType());
        assertEquals(DataTypes.TimestampType, schema.apply("chunk_start").dataType());
        assertEquals(ArrayType.apply(ArrayType.apply(DataTypes.FloatType, true), true), schema.apply("h").dataType());
        Map<Object, List<Row>> bySeries = new java.util.TreeMap<>();
        for (Row row : written.collectAsList()) {
            bySeries.computeIfAbsent(row.getAs("series_id"), k -> new ArrayList<>()).add(row);
        }
        List<Row> s6 = bySeries.get("s6");
        s6.sort(java.util.Comparator.comparing(r -> (Long) r.getAs("chunk_index")));
        assertEquals(List.of(7, 7, 7, 7, 7, 5), s6.stream().map(r -> (Integer) r.getAs("steps")).toList(),
                "40 steps: five full chunks and a short last one");
        Row last = s6.get(5);
        assertEquals(TestData.minute(35), last.getAs("chunk_start"));
        assertEquals(TestData.minute(39), last.getAs("chunk_end"));
        float[][] h = Rows.floatMatrix(last, "h");
        assertEquals(5, h.length);
        Tolerance.assertAllClose(uninterrupted(6).h()[39], h[4], 1e-5, "s6 last step, chunk layout");
    }

    @Test
    void aLongSeriesStreamsThroughHoldingOneChunkAndOneState() {
        int steps = 100_000;
        String longInput = TestData.writeParquet(dir.resolve("long"), TestData.rows(steps), TestData.SCHEMA);
        List<String> args = job(100, "chunk", "long-out");
        args.set(0, "input.path=" + longInput);
        args.set(args.indexOf("outputs={h = output_sequence, c = cell_sequence}"), "outputs.h=output_sequence");
        RunReport report = Jobs.run(null, args.toArray(String[]::new));
        assertEquals(1000, report.counts().windowsWritten(), "1000 chunks of 100 steps");
        assertEquals(1, report.counts().peakCarriedStates(), "one series' state held at a time");
        Row lastChunk = TestSpark.session().read().parquet(dir.resolve("long-out").toString())
                .filter("chunk_index = 999").first();
        double[][] x = new double[steps][];
        for (int t = 0; t < steps; t++) {
            x[t] = new double[] {Math.sin(0.3 * t), Math.cos(0.2 * t)};
        }
        Tolerance.assertAllClose(LstmOracle.run(weights.lstm(), x).lastH(), Rows.floatMatrix(lastChunk, "h")[99], 1e-4,
                "h after 100,000 steps carried through 1000 chunks");
    }

    @Test
    void aModelWithAFixedBatchCarriesStatesThroughFullAndFilledUpBatches() {
        Path fixed = dir.resolve("model-fixed-batch-4");
        SampleModel.exportStatefulSavedModel(LstmWeights.random(2, UNITS, 31), 7, 4, fixed);
        List<String> args = job(7, "step", "fixed-batch");
        args.set(args.indexOf("model.path=" + model(7)), "model.path=" + fixed);
        args.add("input.partitions=1");
        RunReport report = Jobs.run(null, args.toArray(String[]::new));

        // Chunk k of every series still running, up to four to a call: chunk 0 of 7 series in two
        // calls, then chunks 1 to 5 of 4, 3, 2, 1 and 1 series, the short calls filled up with zeros.
        assertEquals(java.util.stream.IntStream.of(LENGTHS).map(n -> (n + 6) / 7).sum(),
                report.counts().windowsWritten());
        assertEquals(7, report.counts().batches());
        for (Row row : TestSpark.session().read().parquet(dir.resolve("fixed-batch").toString()).collectAsList()) {
            int series = Integer.parseInt(((String) row.getAs("series_id")).substring(1));
            int step = Math.toIntExact((Long) row.getAs("step"));
            LstmOracle.States states = uninterrupted(series);
            Tolerance.assertAllClose(states.h()[step], Rows.floats(row, "h"), 1e-5, "s" + series + " step " + step);
            Tolerance.assertAllClose(states.c()[step], Rows.floats(row, "c"), 1e-5, "s" + series + " step " + step);
        }
    }

    @Test
    void aModelWithoutStatesToCarryIsRefusedWithTheReason() {
        String plain = io.lstmspark.testing.TestModels.savedModel(dir.resolve("plain"), 2, UNITS, 7, 31).toString();
        List<String> args = job(7, "step", "no-state");
        args.removeIf(a -> a.startsWith("model."));
        args.add("model.path=" + plain);
        Exception e = assertThrows(Exception.class, () -> Jobs.run(null, args.toArray(String[]::new)));
        String message = LstmSparkException.find(e).orElseThrow().getMessage();
        assertTrue(message.contains("carries the LSTM's state") && message.contains("model.state-inputs"), message);
    }

    @Test
    void outputsWithoutAStepDimensionAreRefused() {
        List<String> args = job(7, "step", "final-only");
        args.set(args.indexOf("outputs={h = output_sequence, c = cell_sequence}"), "outputs.h=hidden_state");
        Exception e = assertThrows(Exception.class, () -> Jobs.run(null, args.toArray(String[]::new)));
        String message = LstmSparkException.find(e).orElseThrow().getMessage();
        assertTrue(message.contains("outputs.h") && message.contains("per-step"), message);
    }
}
