package io.lstmspark.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lstmspark.testing.RecordedModel;
import io.lstmspark.testing.SharedModels;
import io.lstmspark.testing.Tolerance;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Signature;
import org.tensorflow.exceptions.TFFailedPreconditionException;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

/**
 * A tf.Module holding Keras 3 layers, saved with tf.saved_model.save, reads variables its saver never
 * restores: a plain SavedModel load fails on the first run, whether through bundle.call or through
 * the signature's tensor names. Restoring them from the checkpoint through the object graph makes
 * it give TensorFlow Python's numbers.
 */
class CapturedVariablesTest {

    private static final Path FIXTURES = Path.of("src/test/resources/fixtures");

    private static SavedModelBundle load(Path dir) {
        return SavedModelBundle.loader(dir.toString()).withTags("serve").load();
    }

    private static float[] forecast(SavedModelBundle bundle, RecordedModel model) {
        Signature signature = bundle.signatures().stream().filter(s -> s.key().equals(model.signature()))
                .findFirst().orElseThrow();
        float[] values = new float[model.windows() * model.length() * model.features()];
        int i = 0;
        for (double[][] window : model.inputs()) {
            for (double[] step : window) {
                for (double value : step) {
                    values[i++] = (float) value;
                }
            }
        }
        float[] forecast = new float[model.windows()];
        try (TFloat32 input = TFloat32.tensorOf(Shape.of(model.windows(), model.length(), model.features()),
                DataBuffers.of(values, true, false));
             Result result = bundle.session().runner()
                     .feed(signature.getInputs().values().iterator().next().name, input)
                     .fetch(signature.getOutputs().get("forecast").name).run()) {
            ((TFloat32) result.get(0)).copyTo(DataBuffers.of(forecast, false, false));
        }
        return forecast;
    }

    @Test
    void moduleWithKeras3LayersFailsUntilItsCapturedVariablesAreRestored() {
        RecordedModel model = RecordedModel.read(FIXTURES.resolve("module_two_signatures"));
        try (SavedModelBundle bundle = load(model.savedModel())) {
            TFFailedPreconditionException failure = assertThrows(TFFailedPreconditionException.class,
                    () -> forecast(bundle, model));
            assertTrue(failure.getMessage().contains("Could not find variable"), failure.getMessage());

            List<String> restored = CapturedVariables.restoreUninitialised(bundle.graph(), bundle.session(),
                    LoadedModel.readSavedModelProto(model.savedModel()).getMetaGraphs(0), model.savedModel());

            assertEquals(List.of("lstm/lstm_cell/kernel", "lstm/lstm_cell/recurrent_kernel", "lstm/lstm_cell/bias",
                    "dense/kernel", "dense/bias"), restored);
            float[] forecast = forecast(bundle, model);
            for (int w = 0; w < model.windows(); w++) {
                Tolerance.assertClose(model.expected("o_forecast", w)[0], forecast[w], 1e-4, "forecast " + w);
            }
        }
    }

    @Test
    void modelsWhoseSaverRestoresEveryVariableAreLeftAlone() {
        for (Path dir : List.of(SharedModels.savedModel("forecaster_keras3"),
                SharedModels.savedModel("msft_close_lstm"), FIXTURES.resolve("tf1_while_lstm/saved_model"))) {
            try (SavedModelBundle bundle = load(dir)) {
                assertEquals(List.of(), CapturedVariables.restoreUninitialised(bundle.graph(), bundle.session(),
                        LoadedModel.readSavedModelProto(dir).getMetaGraphs(0), dir), dir.toString());
            }
        }
    }
}
