package io.lstmspark.model.keras;

import java.util.Locale;
import java.util.Optional;

/** The activations a state tap reproduces, by their Keras names and the TensorFlow op each one is. */
public enum Activation {
    TANH("Tanh"),
    SIGMOID("Sigmoid"),
    RELU("Relu"),
    LINEAR(null);

    private final String tensorFlowOp;

    Activation(String tensorFlowOp) {
        this.tensorFlowOp = tensorFlowOp;
    }

    /** The Keras name: tanh, sigmoid, relu, linear. */
    public String kerasName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The TensorFlow op that computes it (none for linear). */
    String tensorFlowOp() {
        return tensorFlowOp;
    }

    /** The activation a Keras config names ({@code None} and {@code linear} are the identity). */
    static Optional<Activation> ofKeras(String name) {
        if (name == null || name.isEmpty() || name.equals("None")) {
            return Optional.of(LINEAR);
        }
        for (Activation activation : values()) {
            if (activation.kerasName().equals(name)) {
                return Optional.of(activation);
            }
        }
        return Optional.empty();
    }

    /** The activation a TensorFlow op computes, if it is one of these. */
    static Optional<Activation> ofOp(String op) {
        for (Activation activation : values()) {
            if (op.equals(activation.tensorFlowOp)) {
                return Optional.of(activation);
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return kerasName();
    }
}
