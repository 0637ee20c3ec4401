package io.lstmspark.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * The model input found once per job answers everything the job asks of it: the window length it
 * declares, its features, and how windows fit it. Shapes are those TensorFlow recorded for the
 * fixtures (input_shape in their expected.json, made by make_fixtures.py).
 */
class ModelInputTest {

    private static final Path FIXTURES = Path.of("src/test/resources/fixtures");

    private static LoadedModel load(String fixture) {
        return LoadedModel.load(new ModelSource(FIXTURES.resolve(fixture).resolve("saved_model").toString(),
                List.of("serve")), new SessionThreads(1, -1));
    }

    private static ModelInput find(LoadedModel model) {
        return ModelInput.find(model, new ModelRequest(model.source(), "serving_default", Optional.empty(),
                Map.of("y", TensorRef.parse("output_0"))));
    }

    @Test
    void flatInputDeclaresItsWindowLengthOverTheFeaturesAndTakesFlatWindows() {
        try (LoadedModel model = load("keras_flat_input")) { // [?, 12]
            ModelInput input = find(model);
            assertEquals(OptionalInt.of(6), input.declaredWindowLength(2));
            assertEquals(OptionalInt.empty(), input.declaredFeatures());
            WindowInput windows = input.windows(6, 2);
            assertArrayEquals(new long[] {12}, windows.windowShape());
            assertEquals(ModelCall.ANY_BATCH, windows.fixedBatch());
            assertEquals(ElementType.FLOAT32, windows.type());
        }
    }

    @Test
    void fixedBatchInputDeclaresLengthFeaturesAndItsBatch() {
        try (LoadedModel model = load("keras_fixed_batch")) { // [3, 6, 2]
            ModelInput input = find(model);
            assertEquals(OptionalInt.of(6), input.declaredWindowLength(2));
            assertEquals(OptionalInt.of(2), input.declaredFeatures());
            WindowInput windows = input.windows(6, 2);
            assertArrayEquals(new long[] {6, 2}, windows.windowShape());
            assertEquals(3, windows.fixedBatch());
        }
    }

    @Test
    void windowsOfAnotherLengthAreRefusedNamingTheModelsLength() {
        try (LoadedModel model = load("keras_fixed_batch")) {
            String message = assertThrows(ModelException.class, () -> find(model).windows(5, 2)).getMessage();
            assertTrue(message.contains("takes float32 [3, 6, 2], but the job feeds [batch, 5, 2]"), message);
            assertTrue(message.contains("set window.length = 6"), message);
        }
    }
}
