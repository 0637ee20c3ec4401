package io.lstmspark.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lstmspark.model.LoadedModel;
import io.lstmspark.model.ModelCall;
import io.lstmspark.model.ModelSource;
import io.lstmspark.model.SessionThreads;
import io.lstmspark.model.keras.StateTaps;
import io.lstmspark.testing.TestModels;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The benchmark's FLOPs per window, from the model's shapes. */
class ModelFlopsTest {

    @Test
    void benchmarkModelCountsItsLstmProductsPerStepAndItsDenseHeadOnce() {
        try (LoadedModel loaded = LoadedModel.load(new ModelSource(TestModels.benchModel().toString(),
                List.of("serve")), new SessionThreads(1, -1))) {
            ModelCall call = SessionRates.call(loaded, TestModels.benchModel(),
                    SessionRates.forecastAndHiddenState("output_0"), true);
            StateTaps taps = call.extensions().stream().filter(StateTaps.class::isInstance)
                    .map(StateTaps.class::cast).findFirst().orElseThrow();
            ModelFlops flops = ModelFlops.of(taps, loaded.graph());
            // LSTM(64) on 48 steps of 8 features: 2 x 48 x (4 x 64) x (8 + 64); Dense(1) on 64 units: 2 x 64 x 1.
            assertEquals(1_769_472L, flops.lstm());
            assertEquals(128L, flops.head());
            assertEquals(1_769_600L, flops.perWindow());
        }
    }
}
