package io.lstmspark.model.keras;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lstmspark.model.LoadedModel;
import io.lstmspark.model.ModelInput;
import io.lstmspark.model.WindowInput;
import io.lstmspark.testing.SharedModels;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The discovery and self-check API that `inspect` reports: layers, where each fact came from, the check. */
class LayerDiscoveryApiTest {

    @Test
    void keras2LayersNameTheirConfigFileAndCheckpointKeys() {
        try (LoadedModel model = Taps.load(SharedModels.savedModel("brent_stacked_lstm"))) {
            KerasLstmLayers discovered = KerasLstmLayers.discover(model);
            LstmLayer second = discovered.layers().get(1);
            assertEquals("lstm_8", second.name());
            assertEquals(1, second.position());
            assertEquals(64, second.features());
            assertTrue(second.useBias());
            assertEquals(false, second.returnSequences().orElseThrow());
            assertTrue(second.sources().get("config").contains("keras_metadata.pb"), second.sources().toString());
            assertTrue(second.sources().get("weights").contains("lstm_8/lstm_cell/kernel")
                    && second.sources().get("weights").contains("variables/3/"), second.sources().toString());
            assertEquals(List.of("dense_21", "dropout_1", "dense_22", "dense_23"),
                    discovered.head().orElseThrow().stream().map(HeadLayer::name).toList());
        }
    }

    @Test
    void keras3LayersSayTheirConfigWasInferredAndTheActivationRead() {
        try (LoadedModel model = Taps.load(SharedModels.savedModel("forecaster_keras3"))) {
            LstmLayer layer = KerasLstmLayers.discover(model).layers().get(0);
            assertEquals("lstm", layer.name());
            assertTrue(layer.sources().get("config").contains("none saved"), layer.sources().toString());
            assertTrue(layer.sources().get("activation").startsWith("tanh (function body"), layer.sources().toString());
            assertTrue(layer.unitForgetBias().isEmpty(), "Keras 3 exports do not record unit_forget_bias");
        }
    }

    @Test
    void selfCheckRunsWithoutAJob() {
        try (LoadedModel model = Taps.load(SharedModels.savedModel("brent_stacked_lstm"))) {
            ModelInput input = ModelInput.find(model, Taps.request(model, "h=lstm:0.h"));
            StateTapPlanner.Checked checked = StateTapPlanner.check(model, "serving_default", input, 3, 1);
            assertEquals(TapCheck.Status.PASSED, checked.check().status(), checked.check().detail());
            assertEquals(List.of("lstm_7", "lstm_8"), checked.layers().stream().map(LstmLayer::name).toList());
        }
    }

    @Test
    void selfCheckFailsWhenTheLayersAreReadWrong() {
        // The check has teeth: the same layers read as relu LSTMs do not reproduce the model.
        try (LoadedModel model = Taps.load(SharedModels.savedModel("lake_chlorophyll_lstm"))) {
            KerasLstmLayers discovered = KerasLstmLayers.discover(model);
            List<LstmLayer> misread = discovered.layers().stream()
                    .map(l -> l.withActivations(Activation.RELU, Activation.SIGMOID, "misread on purpose")).toList();
            WindowInput input = ModelInput.find(model, Taps.request(model, "h=lstm:0.h")).windows(12, 3);
            TapCheck check = TapCheck.run(model, "serving_default", input, 12, 3, misread, discovered);
            assertEquals(TapCheck.Status.FAILED, check.status(), check.detail());
            assertTrue(check.maxDifference() > TapCheck.TOLERANCE, check.detail());
        }
    }
}
