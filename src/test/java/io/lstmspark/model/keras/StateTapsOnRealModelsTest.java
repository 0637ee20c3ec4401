package io.lstmspark.model.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.lstmspark.model.LoadedModel;
import io.lstmspark.testing.CheckpointTensors;
import io.lstmspark.testing.GatesKernel;
import io.lstmspark.testing.LstmOracle;
import io.lstmspark.testing.RecordedStates;
import io.lstmspark.testing.SharedModels;
import io.lstmspark.testing.Tolerance;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * State taps of the real Keras models in the shared test models: every layer's final h and c and its
 * h and c sequences, computed by TensorFlow in the model's session, equal (a) the states recorded in
 * expected.json from the Keras equations and (b) the plain-Java oracle run on weights read straight
 * from the checkpoint by key; and the taps reproduce each model's own output (self-check).
 */
class StateTapsOnRealModelsTest {

    private static final double TOLERANCE = 1e-4;

    /** A model folder and, per LSTM layer in order, its Keras name and the checkpoint keys of its weights. */
    record RealModel(String folder, List<Layer> layers) {
        @Override
        public String toString() {
            return folder;
        }
    }

    record Layer(String name, String kernelKey, String recurrentKey, String biasKey) {
    }

    static Stream<RealModel> models() {
        return Stream.of(
                new RealModel("msft_close_lstm", List.of(new Layer("lstm_5",
                        "trainable_variables/0", "trainable_variables/1", "trainable_variables/2"))),
                new RealModel("brent_stacked_lstm", List.of(
                        new Layer("lstm_7", "variables/0", "variables/1", "variables/2"),
                        new Layer("lstm_8", "variables/3", "variables/4", "variables/5"))),
                new RealModel("lake_chlorophyll_lstm", List.of(new Layer("lstm_14",
                        "variables/0", "variables/1", "variables/2"))),
                new RealModel("forecaster_keras3", List.of(new Layer("lstm",
                        "variables/0", "variables/1", "variables/2"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void everyLayersStatesEqualTheRecordedStatesAndThePlainJavaOracle(RealModel real) {
        Path dir = SharedModels.folder(real.folder());
        RecordedStates recorded = RecordedStates.read(dir.resolve("expected.json"));
        double[][][] windows = recorded.inputs();
        List<String> outputs = new ArrayList<>();
        for (Layer layer : real.layers()) {
            for (String part : List.of("h", "c", "sequence", "cell_sequence")) {
                outputs.add(layer.name() + "_" + part + "=lstm:" + layer.name() + "." + part);
            }
        }
        try (LoadedModel model = Taps.load(dir.resolve("saved_model"))) {
            Taps.Run run = Taps.run(model, windows, outputs.toArray(String[]::new));
            List<double[][]> oracleInputs = new ArrayList<>(List.of(windows));
            for (Layer layer : real.layers()) {
                LstmOracle.Layer weights = oracleLayer(dir.resolve("saved_model"), layer, LstmOracle.TANH);
                double[][][] hSeq = recorded.sequence(layer.name(), "h_seq");
                double[][][] cSeq = recorded.sequence(layer.name(), "c_seq");
                List<double[][]> next = new ArrayList<>();
                for (int w = 0; w < windows.length; w++) {
                    LstmOracle.States oracle = LstmOracle.run(weights, oracleInputs.get(w));
                    next.add(oracle.h());
                    String where = real + " " + layer.name() + " window " + w;
                    int last = hSeq[w].length - 1;
                    assertStates(hSeq[w][last], oracle.lastH(), run.window(layer.name() + "_h", w), where + " h");
                    assertStates(cSeq[w][last], oracle.lastC(), run.window(layer.name() + "_c", w), where + " c");
                    float[] seq = run.window(layer.name() + "_sequence", w);
                    float[] cellSeq = run.window(layer.name() + "_cell_sequence", w);
                    int units = weights.units();
                    for (int t = 0; t <= last; t++) {
                        assertStates(hSeq[w][t], oracle.h()[t], slice(seq, t, units), where + " sequence[" + t + "]");
                        assertStates(cSeq[w][t], oracle.c()[t], slice(cellSeq, t, units),
                                where + " cell_sequence[" + t + "]");
                    }
                }
                oracleInputs = next;
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void tapsReproduceTheModelsOwnOutputInTheSelfCheck(RealModel real) {
        Path dir = SharedModels.folder(real.folder());
        double[][][] windows = RecordedStates.read(dir.resolve("expected.json")).inputs();
        String last = real.layers().get(real.layers().size() - 1).name();
        try (LoadedModel model = Taps.load(dir.resolve("saved_model"))) {
            TapCheck check = Taps.run(model, windows, "h=lstm:" + last + ".h").plan().check();
            assertEquals(TapCheck.Status.PASSED, check.status(), check.detail());
            assertEquals(TapCheck.WINDOWS, check.windows());
        }
    }

    /**
     * The rule the exactness suites run under twice in the build (pom.xml, execution tanh-form-exactness): the
     * steps' gates are lstm-spark's kernel where the build made it, unless switched off; else TensorFlow's Tanh.
     * The model's own graph, before the taps, has no kernel op.
     */
    @Test
    void theStepsGatesAreLstmSparksKernelWhereBuiltUnlessSwitchedOff() {
        Path dir = SharedModels.folder("forecaster_keras3");
        double[][][] windows = RecordedStates.read(dir.resolve("expected.json")).inputs();
        try (LoadedModel model = Taps.load(dir.resolve("saved_model"))) {
            assertFalse(model.usesGatesKernel(), "the model's own graph");
            Taps.run(model, windows, "h=lstm:lstm.h");
            Set<String> gateOps = new TreeSet<>();
            model.graph().operations().forEachRemaining(op -> gateOps.add(op.type()));
            gateOps.retainAll(Set.of("LstmSparkGates", "Tanh", "Sigmoid"));
            assertEquals(GatesKernel.expected() ? Set.of("LstmSparkGates") : Set.of("Tanh"), gateOps);
            assertEquals(GatesKernel.expected(), model.usesGatesKernel(), "with the taps");
        }
    }

    static LstmOracle.Layer oracleLayer(Path savedModel, Layer layer,
                                        java.util.function.DoubleUnaryOperator activation) {
        return CheckpointTensors.read(savedModel, layer.kernelKey()).lstm(
                CheckpointTensors.read(savedModel, layer.recurrentKey()),
                CheckpointTensors.read(savedModel, layer.biasKey()), activation);
    }

    static float[] slice(float[] sequence, int step, int units) {
        return java.util.Arrays.copyOfRange(sequence, step * units, (step + 1) * units);
    }

    /** The tapped values equal both the recorded states and the oracle's. */
    static void assertStates(double[] recorded, double[] oracle, float[] tapped, String what) {
        Tolerance.assertAllClose(recorded, tapped, TOLERANCE, what + " vs expected.json");
        Tolerance.assertAllClose(oracle, tapped, TOLERANCE, what + " vs oracle");
    }
}
