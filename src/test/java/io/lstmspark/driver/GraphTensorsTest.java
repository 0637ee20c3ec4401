package io.lstmspark.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lstmspark.model.ModelException;
import io.lstmspark.report.RunReport;
import io.lstmspark.sample.LstmWeights;
import io.lstmspark.sample.SampleModel;
import io.lstmspark.testing.Jobs;
import io.lstmspark.testing.LstmOracle;
import io.lstmspark.testing.Rows;
import io.lstmspark.testing.SampleWeights;
import io.lstmspark.testing.SeriesTable;
import io.lstmspark.testing.TestData;
import io.lstmspark.testing.TestModels;
import io.lstmspark.testing.TestSpark;
import io.lstmspark.testing.Tolerance;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TF1-style graphs, as a SavedModel with variables and as a frozen GraphDef: inner tensors named
 * {@code op:N} are fetched beside signature outputs in the same run, and equal the plain-Java LSTM
 * run on the model's weights.
 */
class GraphTensorsTest {

    private static final int FEATURES = 2;
    private static final int UNITS = 5;
    private static final int LENGTH = 6;
    private static final int STEP = 3;

    @TempDir
    static Path dir;

    private static String input;
    private static SeriesTable series;
    private static Path savedModel;
    private static Path frozenGraph;
    private static SampleWeights weights;

    @BeforeAll
    static void modelsAndData() {
        input = TestData.writeParquet(dir, TestData.rows(9, 7, 12), TestData.SCHEMA);
        series = SeriesTable.collect(TestSpark.session().read().parquet(input), "id", "ts", List.of("x0", "x1"));
        savedModel = TestModels.savedModel(dir.resolve("saved"), FEATURES, UNITS, LENGTH, 31);
        weights = SampleWeights.read(dir.resolve("saved").resolve("weights"));
        frozenGraph = dir.resolve("frozen.pb");
        SampleModel.exportFrozenGraph(LstmWeights.random(FEATURES, UNITS, 31), LENGTH, frozenGraph);
    }

    private static List<Row> run(Path model, String output, String... more) {
        String[] base = {"input.path=" + input, "input.series-id=id", "input.timestamp=ts", "input.features=[x0, x1]",
                "model.path=" + model, "output.path=" + dir.resolve(output)};
        String[] args = java.util.Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, args, base.length, more.length);
        RunReport report = Jobs.run(null, args);
        List<Row> rows = TestSpark.session().read().parquet(dir.resolve(output).toString()).collectAsList();
        assertEquals(report.counts().windowsWritten(), rows.size());
        assertEquals((9 - LENGTH + 1) + (7 - LENGTH + 1) + (12 - LENGTH + 1), rows.size(), "every window");
        return rows;
    }

    private static LstmOracle.States oracle(Row row) {
        Object id = row.getAs("series_id");
        int start = series.indexOf(id, row.getAs("window_start"));
        return LstmOracle.run(weights.lstm(), series.window(id, start, LENGTH));
    }

    @Test
    void innerStepStatesOfASavedModelAreFetchedByOpNameBesideSignatureOutputs() {
        List<Row> rows = run(savedModel, "saved-inner",
                "outputs.h_step=lstm/step_" + STEP + "/h:0",
                "outputs.c_step=lstm/step_" + STEP + "/c:0",
                "outputs.sequence=" + SampleModel.OUTPUT_SEQUENCE,
                "outputs.forecast=" + SampleModel.FORECAST);
        for (Row row : rows) {
            LstmOracle.States states = oracle(row);
            String where = row.getAs("series_id") + " @ " + row.getAs("window_start");
            Tolerance.assertAllClose(states.h()[STEP], Rows.floats(row, "h_step"), 1e-5, where + " h_step");
            Tolerance.assertAllClose(states.c()[STEP], Rows.floats(row, "c_step"), 1e-5, where + " c_step");
            float[][] sequence = Rows.floatMatrix(row, "sequence");
            for (int t = 0; t < LENGTH; t++) {
                Tolerance.assertAllClose(states.h()[t], sequence[t], 1e-5, where + " sequence[" + t + "]");
            }
            Tolerance.assertAllClose(LstmOracle.dense(states.lastH(), weights.denseKernel(), weights.denseBias()),
                    Rows.floats(row, "forecast"), 1e-5, where + " forecast");
        }
    }

    @Test
    void savedModelIsFedThroughItsPlaceholderNamedAsOpN() {
        List<Row> rows = run(savedModel, "saved-placeholder",
                "model.input=" + SampleModel.INPUT + ":0",
                "outputs.h=" + SampleModel.HIDDEN_STATE);
        for (Row row : rows) {
            Tolerance.assertAllClose(oracle(row).lastH(), Rows.floats(row, "h"), 1e-5, "h");
        }
    }

    @Test
    void inputIsChosenByKeyAmongTwoSignatureInputs() {
        Path twoInputs = TestModels.twoInputs(dir.resolve("chosen"), LENGTH, FEATURES);
        List<Row> rows = run(twoInputs, "chosen-out", "model.input=sequences", "outputs.mean=step_mean");
        for (Row row : rows) {
            Object id = row.getAs("series_id");
            double[][] x = series.window(id, series.indexOf(id, row.getAs("window_start")), LENGTH);
            double[] mean = new double[FEATURES];
            for (double[] step : x) {
                for (int f = 0; f < FEATURES; f++) {
                    mean[f] += step[f] / LENGTH;
                }
            }
            Tolerance.assertAllClose(mean, Rows.floats(row, "mean"), 1e-6, id + " step_mean");
        }
    }

    @Test
    void twoSignatureInputsWithoutModelInputAskWhichTakesTheWindows() {
        Path twoInputs = TestModels.twoInputs(dir.resolve("ask"), LENGTH, FEATURES);
        ModelException e = assertThrows(ModelException.class, () -> Jobs.run(null,
                "input.path=" + input, "input.series-id=id", "input.timestamp=ts", "input.features=[x0, x1]",
                "model.path=" + twoInputs, "window.length=" + LENGTH, "outputs.mean=step_mean",
                "output.path=" + dir.resolve("ask-out")));
        assertTrue(e.getMessage().contains("has 2 inputs {sequences=float32 [-1, 6, 2], weights=float32 [-1, 2]}"),
                e.getMessage());
        assertTrue(e.getMessage().contains("set model.input"), e.getMessage());
    }

    @Test
    void frozenGraphDefIsFedAndFetchedByTensorNames() {
        List<Row> rows = run(frozenGraph, "frozen",
                "model.input=" + SampleModel.INPUT + ":0",
                "window.length=" + LENGTH,
                "outputs.h_step=lstm/step_" + STEP + "/h:0",
                "outputs.cell_state=" + SampleModel.CELL_STATE + ":0",
                "outputs.forecast=" + SampleModel.FORECAST + ":0");
        for (Row row : rows) {
            LstmOracle.States states = oracle(row);
            String where = row.getAs("series_id") + " @ " + row.getAs("window_start");
            Tolerance.assertAllClose(states.h()[STEP], Rows.floats(row, "h_step"), 1e-5, where + " h_step");
            Tolerance.assertAllClose(states.lastC(), Rows.floats(row, "cell_state"), 1e-5, where + " cell_state");
            Tolerance.assertAllClose(LstmOracle.dense(states.lastH(), weights.denseKernel(), weights.denseBias()),
                    Rows.floats(row, "forecast"), 1e-5, where + " forecast");
        }
    }

    @Test
    void frozenGraphDefTakesItsWindowLengthFromThePlaceholder() {
        List<Row> rows = run(frozenGraph, "frozen-length",
                "model.input=" + SampleModel.INPUT + ":0",
                "outputs.h=" + SampleModel.HIDDEN_STATE + ":0");
        for (Row row : rows) {
            Tolerance.assertAllClose(oracle(row).lastH(), Rows.floats(row, "h"), 1e-5, "h");
        }
    }

    @Test
    void signatureKeysOnAFrozenGraphDefAreRefusedWithTheWayToNameTensors() {
        ModelException e = assertThrows(ModelException.class, () -> Jobs.run(null,
                "input.path=" + input, "input.series-id=id", "input.timestamp=ts", "input.features=[x0, x1]",
                "model.path=" + frozenGraph, "model.input=sequences:0", "outputs.forecast=forecast",
                "output.path=" + dir.resolve("refused")));
        assertTrue(e.getMessage().contains(frozenGraph.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("no signatures"), e.getMessage());
        assertTrue(e.getMessage().contains("op:N in outputs.forecast"), e.getMessage());
    }
}
