package io.lstmspark.testing;

import io.lstmspark.tools.LstmWeights;
import io.lstmspark.tools.SampleModel;
import java.nio.file.Path;

/** Small sample-style models built for a test in its own directory, with their .npy weights. */
public final class TestModels {

    private TestModels() {
    }

    /** A SavedModel at {@code dir/model} and its weights at {@code dir/weights}. */
    public static Path savedModel(Path dir, int features, int units, int length, long seed) {
        LstmWeights weights = LstmWeights.random(features, units, seed);
        Path model = dir.resolve("model");
        SampleModel.exportSavedModel(weights, length, model);
        weights.writeNpy(dir.resolve("weights"));
        return model;
    }
}
