package io.lstmspark.model.keras;

import io.lstmspark.model.LoadedModel;
import io.lstmspark.model.TensorRef;
import io.lstmspark.testing.LstmOracle;
import io.lstmspark.testing.RecordedStates;
import io.lstmspark.testing.SharedModels;
import io.lstmspark.testing.Tolerance;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.tensorflow.Result;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

/**
 * A tap's initial-state inputs h0 and c0 (zeros unless fed): feeding the final states of one chunk of
 * a series into the tap of the next chunk gives the states of one uninterrupted run over both chunks.
 */
class InitialStateInputsTest {

    @Test
    void statesCarriedIntoTheNextChunkEqualOneRunOverBothChunks() {
        Path dir = SharedModels.folder("lake_chlorophyll_lstm");
        double[][][] windows = RecordedStates.read(dir.resolve("expected.json")).inputs();
        double[][] first = windows[0];
        double[][] second = windows[1];
        double[][] both = new double[first.length + second.length][];
        System.arraycopy(first, 0, both, 0, first.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        LstmOracle.States whole = LstmOracle.run(StateTapsOnRealModelsTest.oracleLayer(dir.resolve("saved_model"),
                new StateTapsOnRealModelsTest.Layer("lstm_14", "variables/0", "variables/1", "variables/2"),
                LstmOracle.TANH), both);

        try (LoadedModel model = Taps.load(dir.resolve("saved_model"))) {
            Taps.Run chunk1 = Taps.run(model, new double[][][] {first}, "h=lstm:lstm_14.h", "c=lstm:lstm_14.c");
            StateTaps taps = chunk1.plan().taps();
            StateTaps.TapLayer layer = taps.layers().get(0);
            int units = layer.units();
            try (Tensor x = tensor(Shape.of(1, second.length, second[0].length), flatten(second));
                 Tensor h0 = tensor(Shape.of(1, units), chunk1.window("h", 0));
                 Tensor c0 = tensor(Shape.of(1, units), chunk1.window("c", 0));
                 Result result = model.session().runner().feed(taps.inputTensor(), x)
                         .feed(taps.initialHidden(layer), h0).feed(taps.initialCell(layer), c0)
                         .fetch(taps.tensor(layer, TensorRef.LstmState.Part.H))
                         .fetch(taps.tensor(layer, TensorRef.LstmState.Part.C)).run()) {
                Tolerance.assertAllClose(whole.lastH(), floats(result.get(0), units), 1e-4, "h after both chunks");
                Tolerance.assertAllClose(whole.lastC(), floats(result.get(1), units), 1e-4, "c after both chunks");
            }
        }
    }

    private static float[] flatten(double[][] steps) {
        float[] flat = new float[steps.length * steps[0].length];
        for (int t = 0; t < steps.length; t++) {
            for (int f = 0; f < steps[t].length; f++) {
                flat[t * steps[t].length + f] = (float) steps[t][f];
            }
        }
        return flat;
    }

    private static Tensor tensor(Shape shape, float[] values) {
        return TFloat32.tensorOf(shape, DataBuffers.of(values, true, false));
    }

    private static float[] floats(Tensor tensor, int size) {
        float[] values = new float[size];
        ((TFloat32) tensor).copyTo(DataBuffers.of(values, false, false));
        return values;
    }
}
