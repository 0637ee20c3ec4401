package io.lstmspark.driver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lstmspark.report.RunReport;
import io.lstmspark.testing.Jobs;
import io.lstmspark.testing.RecordedModel;
import io.lstmspark.testing.RecordedStates;
import io.lstmspark.testing.Rows;
import io.lstmspark.testing.SharedModels;
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
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Models as Keras and TensorFlow wrote them: the real public models (system property
 * {@code lstmspark.shared.models}) and the TensorFlow-made fixtures (src/test/resources/fixtures) run
 * through the job, and every output they record equals TensorFlow's own numbers for the same windows.
 * The window length is left for the job to take from the model.
 */
class RecordedModelsTest {

    private static final double TOLERANCE = 1e-4;

    private static final Path FIXTURES = Path.of("src/test/resources/fixtures");

    @TempDir
    static Path dir;

    /** A finished job: its report and the rows it wrote, read back from Parquet. */
    private record Outcome(RunReport report, List<Row> rows) {
    }

    static Stream<Arguments> models() {
        return RecordedModel.under(SharedModels.folder(), FIXTURES).stream()
                .map(path -> Arguments.of(path.getFileName().toString(), path));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void jobWritesTensorFlowsRecordedOutputs(String name, Path directory) throws Exception {
        RecordedModel model = RecordedModel.read(directory);
        Path work = Files.createDirectories(dir.resolve(name));
        List<Row> rows = run(model, model.savedModel(), work, model.outputColumns()).rows();

        assertEquals(model.windows(), rows.size(), "one window per recorded input");
        for (Row row : rows) {
            int w = Integer.parseInt(row.<String>getAs("series_id").substring(1));
            for (String column : model.outputColumns().keySet()) {
                Tolerance.assertAllClose(model.expected(column, w), Rows.values(row, column), TOLERANCE,
                        name + " window " + w + " " + column);
            }
        }
    }

    /**
     * Forecast and a state of the first of two stacked LSTMs: by default the taps run both layers and
     * the head, and the forecast comes from them (one LSTM computation); with model.output-from-taps =
     * false the model's own graph computes it. Both equal TensorFlow's recorded outputs and states.
     */
    @ParameterizedTest(name = "output-from-taps = {0}")
    @ValueSource(booleans = {true, false})
    void forecastWithAStateTapEqualsTensorFlowsOwnEitherWay(boolean fromTaps) throws Exception {
        Path folder = SharedModels.folder("brent_stacked_lstm");
        RecordedModel model = RecordedModel.read(folder);
        RecordedStates states = RecordedStates.read(folder.resolve("expected.json"));
        Path work = Files.createDirectories(dir.resolve("forecast-and-tap-" + fromTaps));
        Map<String, String> outputs = new LinkedHashMap<>();
        outputs.put("forecast", "dense_23");
        outputs.put("h", "lstm:lstm_7.h");
        Outcome outcome = run(model, model.savedModel(), work, outputs, "model.output-from-taps=" + fromTaps);

        String forecastTensor = outcome.report().model().outputs().get(0).tensor();
        assertEquals(fromTaps, forecastTensor.endsWith("/head/output:0"), "forecast fetched from " + forecastTensor);
        assertEquals(model.windows(), outcome.rows().size());
        double[][][] hSequences = states.sequence("lstm_7", "h_seq");
        for (Row row : outcome.rows()) {
            int w = Integer.parseInt(row.<String>getAs("series_id").substring(1));
            Tolerance.assertAllClose(model.expected("o_dense_23", w), Rows.values(row, "forecast"), TOLERANCE,
                    "window " + w + " forecast");
            double[][] hSequence = hSequences[w];
            Tolerance.assertAllClose(hSequence[hSequence.length - 1], Rows.values(row, "h"), TOLERANCE,
                    "window " + w + " h");
        }
    }

    @Test
    void secondSignatureIsChosenWithModelSignatureAndItsOwnKeys() throws Exception {
        RecordedModel model = RecordedModel.read(FIXTURES.resolve("module_two_signatures"));
        Path work = Files.createDirectories(dir.resolve("forecast_only"));
        List<Row> rows = run(model, model.savedModel(), work, Map.of("y", "y"), "model.signature=forecast_only")
                .rows();

        assertEquals(model.windows(), rows.size());
        for (Row row : rows) {
            int w = Integer.parseInt(row.<String>getAs("series_id").substring(1));
            Tolerance.assertAllClose(model.expected("o_forecast", w), Rows.values(row, "y"), TOLERANCE,
                    "forecast_only y, window " + w);
        }
    }

    @Test
    void sequenceAndStatesFetchedTogetherComeFromTheSameRun() throws Exception {
        RecordedModel model = RecordedModel.read(FIXTURES.resolve("module_two_signatures"));
        Path work = Files.createDirectories(dir.resolve("one_run"));
        Outcome outcome = run(model, model.savedModel(), work, Map.of("sequence", "sequence", "h", "h", "c", "c"),
                "batch.size=" + model.windows(), "input.partitions=1");

        for (Row row : outcome.rows()) {
            float[][] sequence = Rows.floatMatrix(row, "sequence");
            assertArrayEquals(sequence[sequence.length - 1], Rows.floats(row, "h"),
                    "the sequence's last step is the final h, bit for bit");
        }
        assertEquals(1, outcome.report().counts().batches(), "all windows and all three outputs in one session run");
    }

    @Test
    void shardedCheckpointWithStrayFilesBesideItGivesTheRecordedOutputs() throws Exception {
        RecordedModel model = RecordedModel.read(FIXTURES.resolve("sharded_variables"));
        Path copy = dir.resolve("stray").resolve("saved_model");
        TestData.copyTree(model.savedModel(), copy);
        // What model folders collect: an older single-shard save, backups, notes, OS and archive debris.
        Files.write(copy.resolve("variables/variables.data-00000-of-00001"), new byte[] {1, 2, 3});
        Files.writeString(copy.resolve("variables/checkpoint"), "model_checkpoint_path: \"variables\"\n");
        Files.write(copy.resolve("saved_model.pb.bak"), new byte[] {0x0a, 0x01});
        Files.writeString(copy.resolve("NOTES.txt"), "trained on 2024 data\n");
        Files.write(copy.resolve(".DS_Store"), new byte[16]);
        Files.createDirectories(copy.resolve("assets"));
        Files.createDirectories(copy.resolve("__MACOSX/variables"));
        Files.write(copy.resolve("__MACOSX/variables/._variables.index"), new byte[8]);

        List<Row> rows = run(model, copy, dir.resolve("stray"), model.outputColumns()).rows();
        assertEquals(model.windows(), rows.size());
        for (Row row : rows) {
            int w = Integer.parseInt(row.<String>getAs("series_id").substring(1));
            for (String column : model.outputColumns().keySet()) {
                Tolerance.assertAllClose(model.expected(column, w), Rows.values(row, column), TOLERANCE,
                        "window " + w + " " + column);
            }
        }
    }

    @Test
    void float64ModelIsFedDoublesAndWritesDoubleColumns() throws Exception {
        RecordedModel model = RecordedModel.read(FIXTURES.resolve("keras_float64"));
        Path work = Files.createDirectories(dir.resolve("float64"));
        Outcome outcome = run(model, model.savedModel(), work, model.outputColumns());

        assertEquals(DataTypes.createArrayType(DataTypes.DoubleType, true),
                TestSpark.session().read().parquet(work.resolve("out").toString()).schema()
                        .apply("o_output_0").dataType());
        assertEquals("float64", outcome.report().model().outputs().get(0).type());
    }

    @Test
    void fixedBatchModelGetsFullBatchesAndAShortOneFilledUp() throws Exception {
        RecordedModel model = RecordedModel.read(FIXTURES.resolve("keras_fixed_batch"));
        Path work = Files.createDirectories(dir.resolve("fixed-batch"));
        Outcome outcome = run(model, model.savedModel(), work, model.outputColumns(), "input.partitions=1",
                "batch.size=64");

        assertEquals(8, outcome.rows().size());
        assertEquals(3, outcome.report().counts().batches(), "8 windows in batches of 3, 3 and 2 (+ 1 zero window)");
        for (Row row : outcome.rows()) {
            int w = Integer.parseInt(row.<String>getAs("series_id").substring(1));
            Tolerance.assertAllClose(model.expected("o_forecast", w), Rows.values(row, "o_forecast"), TOLERANCE,
                    "window " + w);
        }
    }

    private static Outcome run(RecordedModel model, Path savedModel, Path work, Map<String, String> outputs,
                         String... overrides) {
        List<String> args = new ArrayList<>(List.of(
                "input.path=" + model.writeInput(work),
                "input.series-id=id",
                "input.timestamp=ts",
                "input.features=[" + String.join(", ", model.featureColumns()) + "]",
                "model.path=" + savedModel,
                "model.signature=" + model.signature(),
                "output.path=" + work.resolve("out")));
        outputs.forEach((column, ref) -> args.add("outputs." + column + "=" + ref));
        args.addAll(List.of(overrides));
        RunReport report = Jobs.run(null, args.toArray(String[]::new));
        assertEquals(model.length() * model.features(),
                java.util.Arrays.stream(report.model().inputWindowShape()).reduce(1, Math::multiplyExact),
                "window length taken from the model");
        Dataset<Row> written = TestSpark.session().read().parquet(work.resolve("out").toString());
        return new Outcome(report, written.collectAsList());
    }
}
