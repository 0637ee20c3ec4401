package io.lstmspark.model.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lstmspark.model.LoadedModel;
import io.lstmspark.testing.LstmOracle;
import io.lstmspark.testing.RecordedStates;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A Keras 3 export of two stacked relu LSTMs (src/test/resources/keras3-fixtures, made by its script):
 * no layer configuration is saved, so the layers come from weight shapes and the relu activation from
 * the function bodies; the taps then equal the states Keras itself computed.
 */
class Keras3ReluLstmTest {

    private static final Path DIR = Path.of("src/test/resources/keras3-fixtures/relu_stacked_lstm");
    private static final Path MODEL = DIR.resolve("saved_model");

    @Test
    void reluActivationIsReadFromTheFunctionBody() {
        try (LoadedModel model = Taps.load(MODEL)) {
            List<LstmLayer> layers = KerasLstmLayers.discover(model).layers();
            assertEquals(List.of("lstm_relu_a", "lstm_relu_b"), layers.stream().map(LstmLayer::name).toList());
            for (LstmLayer layer : layers) {
                assertEquals(Activation.RELU, layer.activation().orElseThrow(), layer.name());
                assertEquals(Activation.SIGMOID, layer.recurrentActivation().orElseThrow(), layer.name());
                assertTrue(layer.sources().get("activation").contains("function body"), layer.sources().toString());
            }
            assertEquals(List.of(3, 5), layers.stream().map(LstmLayer::features).toList());
            assertEquals(List.of(5, 4), layers.stream().map(LstmLayer::units).toList());
        }
    }

    @Test
    void stackedReluTapsEqualKerasOwnStatesAndTheOracle() {
        RecordedStates recorded = RecordedStates.read(DIR.resolve("expected.json"));
        double[][][] windows = recorded.inputs();
        LstmOracle.Layer first = StateTapsOnRealModelsTest.oracleLayer(MODEL, new StateTapsOnRealModelsTest.Layer(
                "lstm_relu_a", "variables/0", "variables/1", "variables/2"), LstmOracle.RELU);
        LstmOracle.Layer second = StateTapsOnRealModelsTest.oracleLayer(MODEL, new StateTapsOnRealModelsTest.Layer(
                "lstm_relu_b", "variables/4", "variables/5", "variables/6"), LstmOracle.RELU);
        double[][][] kerasSequence = recorded.sequence("lstm_relu_a", "h_seq");
        try (LoadedModel model = Taps.load(MODEL)) {
            Taps.Run run = Taps.run(model, windows, "a_seq=lstm:lstm_relu_a.sequence", "a_h=lstm:0.h",
                    "a_c=lstm:lstm_relu_a.c", "b_h=lstm:lstm_relu_b.h", "b_c=lstm:1.c");
            assertEquals(TapCheck.Status.PASSED, run.plan().check().status(), run.plan().check().detail());
            for (int w = 0; w < windows.length; w++) {
                LstmOracle.States a = LstmOracle.run(first, windows[w]);
                LstmOracle.States b = LstmOracle.run(second, a.h());
                String where = "window " + w;
                for (int t = 0; t < windows[w].length; t++) {
                    StateTapsOnRealModelsTest.assertStates(kerasSequence[w][t], a.h()[t],
                            StateTapsOnRealModelsTest.slice(run.window("a_seq", w), t, 5), where + " a sequence " + t);
                }
                StateTapsOnRealModelsTest.assertStates(recorded.last("lstm_relu_a", "h")[w], a.lastH(),
                        run.window("a_h", w), where + " a h");
                StateTapsOnRealModelsTest.assertStates(recorded.last("lstm_relu_a", "c")[w], a.lastC(),
                        run.window("a_c", w), where + " a c");
                StateTapsOnRealModelsTest.assertStates(recorded.last("lstm_relu_b", "h")[w], b.lastH(),
                        run.window("b_h", w), where + " b h");
                StateTapsOnRealModelsTest.assertStates(recorded.last("lstm_relu_b", "c")[w], b.lastC(),
                        run.window("b_c", w), where + " b c");
            }
        }
    }

    @Test
    void tanhOracleDiffersFromTheReluModel() {
        // The fixture discriminates activations: a tanh reading of the same weights gives other states.
        RecordedStates recorded = RecordedStates.read(DIR.resolve("expected.json"));
        LstmOracle.Layer tanh = StateTapsOnRealModelsTest.oracleLayer(MODEL, new StateTapsOnRealModelsTest.Layer(
                "lstm_relu_a", "variables/0", "variables/1", "variables/2"), LstmOracle.TANH);
        double[] keras = recorded.last("lstm_relu_a", "h")[0];
        double[] asTanh = LstmOracle.run(tanh, recorded.inputs()[0]).lastH();
        double largest = 0;
        for (int u = 0; u < keras.length; u++) {
            largest = Math.max(largest, Math.abs(keras[u] - asTanh[u]));
        }
        assertTrue(largest > 1e-2, "relu and tanh states differ: " + largest);
    }
}
