package io.lstmspark.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.lstmspark.model.ModelException;
import io.lstmspark.model.kerasfile.KerasFileExpectations;
import io.lstmspark.report.RunReport;
import io.lstmspark.testing.Jobs;
import io.lstmspark.testing.Rows;
import io.lstmspark.testing.TestData;
import io.lstmspark.testing.TestSpark;
import io.lstmspark.testing.Tolerance;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Keras files (.h5, .keras) as model.path: the public files and the fixtures run through the job, in
 * extract and forecast mode, and write the outputs and LSTM states TensorFlow computed for the same
 * windows; stream mode carries a stacked file's states as one uninterrupted run.
 */
class KerasFilesJobTest {

    private static final double TOLERANCE = 1e-4;
    /** Steps before each recorded window in forecast mode, so that the job has to pick the last window. */
    private static final int LEAD_IN = 3;

    @TempDir
    static Path dir;

    static Stream<KerasFileExpectations> files() {
        return Stream.concat(KerasFileExpectations.shared().stream(),
                Stream.of("stacked_lstm.h5", "stacked_lstm.keras", "recurrent_kinds.keras", "bidirectional.h5",
                        "conv_pool.keras", "functional_dag.h5", "float64_lstm.keras")
                        .map(KerasFileExpectations::readFixture));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("files")
    void extractModeWritesTensorFlowsOutputsAndLstmStates(KerasFileExpectations expected) {
        Map<String, String> outputs = outputs(expected);
        Path work = dir.resolve("extract-" + expected.id());
        List<Row> rows = run(expected, work, 0, outputs, "mode=extract");
        check(expected, outputs, rows);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("files")
    void forecastModeWritesTensorFlowsOutputsForTheLastWindow(KerasFileExpectations expected) {
        Map<String, String> outputs = outputs(expected);
        Path work = dir.resolve("forecast-" + expected.id());
        List<Row> rows = run(expected, work, LEAD_IN, outputs, "mode=forecast");
        check(expected, outputs, rows);
    }

    @Test
    void streamModeCarriesEveryLayersStateAsOneUninterruptedRun() {
        for (String name : List.of("stacked_lstm.keras", "stacked_lstm.h5")) {
            JsonNode stream = KerasFileExpectations.readFixture(name).json().path("stream");
            List<Row> rows = stream(name, "outputs.a=\"lstm:lstm_a.sequence\"", "outputs.b=\"lstm:1.sequence\"");
            for (Row row : rows) {
                int step = Math.toIntExact((Long) row.getAs("step"));
                String where = name + " " + row.getAs("series_id") + " step " + step;
                Tolerance.assertAllClose(KerasFileExpectations.flat(stream.path("lstm_h_seq").path("lstm_a").get(step)),
                        Rows.values(row, "a"), TOLERANCE, where + " lstm_a h");
                Tolerance.assertAllClose(KerasFileExpectations.flat(stream.path("lstm_h_seq").path("lstm_b").get(step)),
                        Rows.values(row, "b"), TOLERANCE, where + " lstm_b h");
            }
        }
    }

    @Test
    void streamModeCarriesGruAndSimpleRnnStatesIntoTheModelsOwnPerStepOutput() {
        for (String name : List.of("stacked_gru_rnn.keras", "stacked_gru_rnn.h5")) {
            JsonNode stream = KerasFileExpectations.readFixture(name).json().path("stream");
            for (Row row : stream(name, "outputs.y=output_0")) {
                int step = Math.toIntExact((Long) row.getAs("step"));
                Tolerance.assertAllClose(KerasFileExpectations.flat(stream.path("output_0_seq").get(step)),
                        Rows.values(row, "y"), TOLERANCE, name + " " + row.getAs("series_id") + " step " + step);
            }
        }
    }

    /**
     * Stream mode, a row per step, over the fixture's recorded series (s0: three whole chunks) and its first
     * two and a half chunks (s1: a prefix of a series has the same states), in chunks of the model's steps.
     */
    private static List<Row> stream(String name, String... outputs) {
        KerasFileExpectations expected = KerasFileExpectations.readFixture(name);
        JsonNode stream = expected.json().path("stream");
        int chunk = stream.path("chunk_length").asInt();
        double[][] series = new double[stream.path("series").size()][];
        for (int t = 0; t < series.length; t++) {
            series[t] = KerasFileExpectations.flat(stream.path("series").get(t));
        }
        int[] lengths = {series.length, series.length - chunk / 2};
        StructType schema = new StructType().add("id", DataTypes.StringType).add("ts", DataTypes.TimestampType);
        for (int f = 0; f < series[0].length; f++) {
            schema = schema.add("f" + f, DataTypes.DoubleType);
        }
        List<Row> input = new ArrayList<>();
        for (int s = 0; s < lengths.length; s++) {
            for (int t = 0; t < lengths[s]; t++) {
                input.add(row("s" + s, t, series[t]));
            }
        }
        Path work = dir.resolve("stream-" + expected.id());
        String inputPath = TestData.writeParquet(work, input, schema);
        List<String> args = new ArrayList<>(List.of("input.path=" + inputPath, "input.series-id=id",
                "input.timestamp=ts", "input.features=" + features(series[0].length), "model.path=" + expected.file(),
                "mode=stream", "stream.layout=step", "output.path=" + work.resolve("out"), "batch.size=1"));
        args.addAll(List.of(outputs));
        RunReport report = Jobs.run(null, args.toArray(String[]::new));
        assertEquals(lengths[0] + lengths[1], report.counts().inputRows());
        List<Row> rows = TestSpark.session().read().parquet(work.resolve("out").toString()).collectAsList();
        assertEquals(lengths[0] + lengths[1], rows.size(), "a row per step");
        return rows;
    }

    @Test
    void aFileWhoseInputLeavesTheStepsOpenIsBuiltForWindowLength() {
        KerasFileExpectations open = KerasFileExpectations.readFixture("open_steps.keras");
        ModelException refused = assertThrows(ModelException.class,
                () -> run(open, dir.resolve("open-unset"), 0, outputs(open), "mode=extract"));
        assertTrue(refused.getMessage().contains("declares no number of steps (shape [None, 3])")
                && refused.getMessage().contains("set window.length to the steps per window"), refused.getMessage());
        for (String name : List.of("open_steps.keras", "open_steps.h5")) {
            KerasFileExpectations expected = KerasFileExpectations.readFixture(name);
            Map<String, String> outputs = outputs(expected);
            int steps = expected.input("x1")[0].length;
            check(expected, outputs, run(expected, dir.resolve("open-" + expected.id()), LEAD_IN, outputs,
                    "mode=forecast", "window.length=" + steps));
        }
    }

    @Test
    void streamModeRefusesAModelWhoseLayersCombineStepsBeforeItsRecurrence() {
        KerasFileExpectations expected = KerasFileExpectations.readFixture("conv_pool.keras");
        ModelException refused = assertThrows(ModelException.class, () -> run(expected,
                dir.resolve("stream-conv"), 0, Map.of("h", "lstm:lstm.sequence"), "mode=stream"));
        assertTrue(refused.getMessage().contains("cannot run in mode = stream: layers conv_causal (Conv1D)"),
                refused.getMessage());
    }

    @Test
    void anUnknownLstmLayerIsRefusedListingTheFilesLstmLayers() {
        KerasFileExpectations expected = KerasFileExpectations.readFixture("functional_dag.keras");
        ModelException refused = assertThrows(ModelException.class, () -> run(expected,
                dir.resolve("unknown-layer"), 0, Map.of("h", "lstm:lstm_9.h"), "mode=extract"));
        assertTrue(refused.getMessage().contains("has no LSTM layer 'lstm_9' (outputs.h = lstm:lstm_9.h); its LSTM"
                + " layers are [enc_a, enc_b, skip, decoder]"), refused.getMessage());
    }

    @Test
    void aCustomLayerIsRefusedOnTheDriverBeforeAnyTask() {
        KerasFileExpectations nan = KerasFileExpectations.readFixture("stacked_lstm.keras");
        Path custom = KerasFileExpectations.FIXTURES.resolve("custom_layer.keras");
        ModelException refused = assertThrows(ModelException.class, () -> Jobs.run(null,
                "input.path=" + writeInput(nan, dir.resolve("custom"), 0), "input.series-id=id", "input.timestamp=ts",
                "input.features=" + features(3), "model.path=" + custom, "outputs.y=output_0",
                "output.path=" + dir.resolve("custom").resolve("out")));
        assertTrue(refused.getMessage().contains("'doubled' (Lambda)"), refused.getMessage());
        assertTrue(!Files.exists(dir.resolve("custom").resolve("out")), "nothing written");
    }

    /** Every model output by position, and every LSTM layer's states, as output columns. */
    private static Map<String, String> outputs(KerasFileExpectations expected) {
        Map<String, String> outputs = new LinkedHashMap<>();
        for (int i = 0; i < expected.outputs("x1").size(); i++) {
            outputs.put("out_" + i, "output_" + i);
        }
        expected.json().path("lstm_states").fieldNames().forEachRemaining(layer -> {
            String column = layer.replaceAll("[^A-Za-z0-9]", "_");
            outputs.put(column + "_h", "\"lstm:" + layer + ".h\"");
            outputs.put(column + "_c", "\"lstm:" + layer + ".c\"");
            outputs.put(column + "_seq", "\"lstm:" + layer + ".sequence\"");
            if (expected.json().path("lstm_states").path(layer).has("c_seq")) {
                outputs.put(column + "_cseq", "\"lstm:" + layer + ".cell_sequence\"");
            }
        });
        return outputs;
    }

    private static void check(KerasFileExpectations expected, Map<String, String> outputs, List<Row> rows) {
        double[][][] windows = expected.input("x1");
        assertEquals(windows.length, rows.size(), expected + ": a row per recorded window");
        JsonNode states = expected.json().path("lstm_states");
        for (Row row : rows) {
            int w = Integer.parseInt(row.<String>getAs("series_id").substring(1));
            for (Map.Entry<String, String> output : outputs.entrySet()) {
                String ref = output.getValue().replace("\"", "");
                JsonNode recorded;
                if (ref.startsWith("output_")) {
                    recorded = expected.json().path("outputs").has("x1")
                            ? expected.json().path("outputs").path("x1") : expected.json().path("outputs").path(ref);
                } else {
                    String layer = ref.substring("lstm:".length(), ref.lastIndexOf('.'));
                    String part = switch (ref.substring(ref.lastIndexOf('.') + 1)) {
                        case "sequence" -> "h_seq";
                        case "cell_sequence" -> "c_seq";
                        default -> ref.substring(ref.lastIndexOf('.') + 1);
                    };
                    recorded = states.path(layer).path(part);
                }
                Tolerance.assertAllClose(KerasFileExpectations.flat(recorded.get(w)), Rows.values(row, output.getKey()),
                        TOLERANCE, expected + " window " + w + " " + ref);
            }
        }
    }

    private static List<Row> run(KerasFileExpectations expected, Path work, int leadIn, Map<String, String> outputs,
                                 String... overrides) {
        List<String> args = new ArrayList<>(List.of(
                "input.path=" + writeInput(expected, work, leadIn),
                "input.series-id=id",
                "input.timestamp=ts",
                "input.features=" + features(expected.input("x1")[0][0].length),
                "model.path=" + expected.file(),
                "output.path=" + work.resolve("out")));
        outputs.forEach((column, ref) -> args.add("outputs." + column + "=" + ref));
        args.addAll(List.of(overrides));
        RunReport report = Jobs.run(null, args.toArray(String[]::new));
        assertEquals(expected.input("x1")[0].length * expected.input("x1")[0][0].length,
                java.util.Arrays.stream(report.model().inputWindowShape()).reduce(1, Math::multiplyExact),
                "window length taken from the Keras file");
        return TestSpark.session().read().parquet(work.resolve("out").toString()).collectAsList();
    }

    /** Window w as series "w{w}": {@code leadIn} steps of other values, then the recorded window. */
    private static String writeInput(KerasFileExpectations expected, Path work, int leadIn) {
        double[][][] windows = expected.input("x1");
        int features = windows[0][0].length;
        StructType schema = new StructType().add("id", DataTypes.StringType).add("ts", DataTypes.TimestampType);
        for (int f = 0; f < features; f++) {
            schema = schema.add("f" + f, DataTypes.DoubleType);
        }
        List<Row> rows = new ArrayList<>();
        for (int w = 0; w < windows.length; w++) {
            for (int t = 0; t < leadIn; t++) {
                double[] other = new double[features];
                java.util.Arrays.fill(other, 0.9 - 0.3 * t);
                rows.add(row("w" + w, t, other));
            }
            for (int t = 0; t < windows[w].length; t++) {
                rows.add(row("w" + w, leadIn + t, windows[w][t]));
            }
        }
        return TestData.writeParquet(work, rows, schema);
    }

    private static Row row(String id, int step, double[] values) {
        Object[] fields = new Object[2 + values.length];
        fields[0] = id;
        fields[1] = TestData.minute(step);
        for (int f = 0; f < values.length; f++) {
            fields[2 + f] = values[f];
        }
        return RowFactory.create(fields);
    }

    private static String features(int count) {
        List<String> columns = new ArrayList<>();
        for (int f = 0; f < count; f++) {
            columns.add("f" + f);
        }
        return "[" + String.join(", ", columns) + "]";
    }
}
