package io.lstmspark.model.kerasfile;

import java.util.List;
import java.util.Map;
import java.util.Set;

/** The Keras layer classes lstm-spark builds from a file, their aliases, and what stream mode can carry. */
final class LayerKinds {

    /** The layer classes built; anything else is refused by name. */
    static final List<String> SUPPORTED = List.of("InputLayer", "LSTM", "GRU", "SimpleRNN", "Bidirectional",
            "Dense", "Activation", "Dropout", "SpatialDropout1D", "GaussianNoise", "GaussianDropout", "AlphaDropout",
            "ActivityRegularization", "RepeatVector", "TimeDistributed", "Flatten", "Reshape", "Conv1D",
            "MaxPooling1D", "AveragePooling1D", "GlobalAveragePooling1D", "GlobalMaxPooling1D",
            "BatchNormalization", "Concatenate", "Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum");

    /** Layers that are the identity at inference. */
    static final Set<String> IDENTITY = Set.of("Dropout", "SpatialDropout1D", "GaussianNoise",
            "GaussianDropout", "AlphaDropout", "ActivityRegularization");
    static final Map<String, String> ALIASES = Map.of("MaxPool1D", "MaxPooling1D", "AvgPool1D",
            "AveragePooling1D", "Convolution1D", "Conv1D", "GlobalAvgPool1D", "GlobalAveragePooling1D",
            "GlobalMaxPool1D", "GlobalMaxPooling1D");
    /** Layers whose output at a step depends only on that step (and the recurrent state): stream mode carries them. */
    static final Set<String> STEPWISE = Set.of("InputLayer", "LSTM", "GRU", "SimpleRNN", "Dense", "Activation",
            "TimeDistributed", "BatchNormalization", "Concatenate", "Add", "Subtract", "Multiply", "Average",
            "Maximum", "Minimum", "Dropout", "SpatialDropout1D", "GaussianNoise", "GaussianDropout", "AlphaDropout",
            "ActivityRegularization");

    /** Layers that take several tensors and combine them into one. */
    static final Set<String> MERGES = Set.of("Concatenate", "Add", "Subtract", "Multiply", "Average", "Maximum",
            "Minimum");

    private LayerKinds() {
    }

    /** The layer's class as built, its alias (MaxPool1D, Convolution1D, ...) resolved. */
    static String of(String className) {
        return ALIASES.getOrDefault(className, className);
    }

    static boolean isRecurrent(String kind) {
        return kind.equals("LSTM") || kind.equals("GRU") || kind.equals("SimpleRNN") || kind.equals("Bidirectional");
    }
}
