package io.lstmspark.model.keras;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lstmspark.model.LoadedModel;
import io.lstmspark.model.ModelException;
import io.lstmspark.model.ModelInput;
import io.lstmspark.model.ModelRequest;
import io.lstmspark.testing.SharedModels;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/** What cannot be tapped is refused before any task runs, with the LSTM layers that do exist. */
class StateTapRefusalsTest {

    @TempDir
    Path dir;

    private static String refusal(Path savedModel, int length, int features, String ref) {
        try (LoadedModel model = Taps.load(savedModel)) {
            ModelRequest request = Taps.request(model, "x=" + ref);
            ModelInput input = ModelInput.find(model, request);
            return assertThrows(ModelException.class, () -> StateTapPlanner.plan(model, request, input, length,
                    features, true)).getMessage();
        }
    }

    private static Path shared(String folder) {
        return SharedModels.savedModel(folder);
    }

    private static void assertMentions(String message, String... parts) {
        for (String part : parts) {
            assertTrue(message.contains(part), "'" + part + "' is missing from: " + message);
        }
    }

    @Test
    void unknownLayerNameIsRefusedWithTheLstmLayersListed() {
        assertMentions(refusal(shared("brent_stacked_lstm"), 3, 1, "lstm:lstm_9.h"),
                "cannot tap lstm:lstm_9.h", "no layer named 'lstm_9'",
                "its LSTM layers are lstm_7 (lstm:0, 64 units), lstm_8 (lstm:1, 64 units)");
    }

    @Test
    void denseLayerIsRefusedAsNotAnLstm() {
        assertMentions(refusal(shared("msft_close_lstm"), 5, 1, "lstm:dense_17.c"),
                "layer 'dense_17' is a Dense layer, not an LSTM", "its LSTM layers are lstm_5 (lstm:0, 64 units)");
    }

    @Test
    void positionPastTheLastLstmIsRefused() {
        assertMentions(refusal(shared("lake_chlorophyll_lstm"), 12, 3, "lstm:1.sequence"),
                "it has 1 LSTM layer, so lstm:1 does not exist", "lstm_14 (lstm:0, 64 units)");
    }

    @Test
    void gruIsRefusedAsNotAnLstm() {
        assertMentions(refusal(Path.of("src/test/resources/keras3-fixtures/gru/saved_model"), 6, 3, "lstm:gru.h"),
                "layer 'gru' is a GRU", "not an LSTM", "it has no LSTM layers");
    }

    @Test
    void modelWithoutVariablesIsRefused() {
        assertMentions(refusal(identityModel(dir.resolve("identity")), 4, 2, "lstm:0.h"),
                "has no variables", "it has no LSTM layers to tap");
    }

    @Test
    void windowsWithOtherFeaturesThanTheFirstLstmTakesAreRefused() {
        assertMentions(refusal(shared("forecaster_keras3"), 48, 2, "lstm:lstm.h"),
                "LSTM layer 'lstm' takes 8 inputs per step but the windows (2 features) give 2");
    }

    /** A SavedModel built with TensorFlow Java that only passes its input through: no variables at all. */
    private static Path identityModel(Path dir) {
        try (Graph graph = new Graph(); Session session = new Session(graph)) {
            Ops tf = Ops.create(graph);
            Placeholder<TFloat32> x = tf.withName("x").placeholder(TFloat32.class,
                    Placeholder.shape(Shape.of(-1, 4, 2)));
            Operand<TFloat32> y = tf.withName("y").identity(x);
            SavedModelBundle.exporter(dir.toString())
                    .withFunction(session.function(Signature.builder().key("serving_default").input("x", x)
                            .output("y", y).build()))
                    .export();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }
}
