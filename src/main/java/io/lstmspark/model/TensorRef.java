package io.lstmspark.model;

import java.io.Serializable;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a user names a model input or output: a signature key ({@code forecast}), the N-th output
 * of a top-level graph operation ({@code lstm/while/Exit_3:0}), or a state of a Keras LSTM layer
 * ({@code lstm:lstm_8.h}, {@code lstm:0.sequence}).
 */
public sealed interface TensorRef extends Serializable
        permits TensorRef.SignatureKey, TensorRef.GraphTensor, TensorRef.LstmState {

    Pattern GRAPH_TENSOR = Pattern.compile("(.+):(\\d+)");
    Pattern LSTM_STATE = Pattern.compile("lstm:(.+)\\.(h|c|sequence|cell_sequence)");

    static TensorRef parse(String text) {
        Matcher state = LSTM_STATE.matcher(text);
        if (state.matches()) {
            return new LstmState(state.group(1), LstmState.Part.valueOf(state.group(2).toUpperCase(Locale.ROOT)));
        }
        Matcher matcher = GRAPH_TENSOR.matcher(text);
        if (matcher.matches()) {
            return new GraphTensor(matcher.group(1), Integer.parseInt(matcher.group(2)));
        }
        return new SignatureKey(text);
    }

    /** A key of the chosen signature's inputs or outputs. */
    record SignatureKey(String key) implements TensorRef {
        @Override
        public String toString() {
            return key;
        }
    }

    /** Output {@code index} of operation {@code op} in the top-level graph. */
    record GraphTensor(String op, int index) implements TensorRef {
        public String name() {
            return op + ":" + index;
        }

        @Override
        public String toString() {
            return name();
        }
    }

    /**
     * A state of a Keras LSTM layer, computed by ops lstm-spark adds to the model's graph.
     *
     * @param layer the Keras layer name, or the layer's position among the model's LSTM layers (0, 1, ...)
     */
    record LstmState(String layer, Part part) implements TensorRef {

        /** What of the layer: last hidden state, last cell state, or either of them at every step. */
        public enum Part {
            H, C, SEQUENCE, CELL_SEQUENCE;

            public String label() {
                return name().toLowerCase(Locale.ROOT);
            }
        }

        /** The layer's position among the LSTM layers when {@link #layer} is a number. */
        public java.util.OptionalInt position() {
            return layer.chars().allMatch(Character::isDigit)
                    ? java.util.OptionalInt.of(Integer.parseInt(layer)) : java.util.OptionalInt.empty();
        }

        @Override
        public String toString() {
            return "lstm:" + layer + "." + part.label();
        }
    }
}
