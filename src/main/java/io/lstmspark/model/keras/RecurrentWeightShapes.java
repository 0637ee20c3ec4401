package io.lstmspark.model.keras;

import java.util.Arrays;
import java.util.Optional;

/**
 * What a recurrent layer is, from the shapes of its weights alone: the one rule that state taps (Keras 3
 * exports, which record no layer configuration) and {@code inspect} (any model) share.
 *
 * <p>Keras layout, units H and F input features: an LSTM has {@code kernel} [F, 4H] and
 * {@code recurrent_kernel} [H, 4H] (gates i, f, c, o), a GRU [F, 3H] and [H, 3H], a SimpleRNN [F, H] and
 * [H, H]; a bias, when there is one, is [4H] (or a [1, 4H] row, as hand-written graphs keep it). A TF1
 * {@code LSTMCell} has no recurrent kernel: one {@code kernel} [F + H, 4H] over the input and state
 * concatenated, and a bias [4H].
 */
public final class RecurrentWeightShapes {

    /** The recurrent layer kinds weights can tell apart. */
    public enum Kind {
        LSTM(4), GRU(3), SIMPLE_RNN(1);

        private final int gates;

        Kind(int gates) {
            this.gates = gates;
        }

        public String kerasName() {
            return this == SIMPLE_RNN ? "SimpleRNN" : name();
        }
    }

    private RecurrentWeightShapes() {
    }

    /** The kind of a Keras-layout recurrent layer with this kernel and recurrent kernel, if they fit one. */
    public static Optional<Kind> kerasKind(long[] kernel, long[] recurrentKernel) {
        if (kernel.length != 2 || recurrentKernel.length != 2 || recurrentKernel[0] <= 0) {
            return Optional.empty();
        }
        long units = recurrentKernel[0];
        for (Kind kind : Kind.values()) {
            if (kernel[1] == kind.gates * units && recurrentKernel[1] == kind.gates * units) {
                return Optional.of(kind);
            }
        }
        return Optional.empty();
    }

    /** Whether a Keras-layout LSTM's bias (absent: {@code null}) fits H units. */
    public static boolean lstmBiasFits(long[] bias, long units) {
        return bias == null || Arrays.equals(bias, new long[] {4 * units})
                || Arrays.equals(bias, new long[] {1, 4 * units});
    }

    /** H of a TF1 {@code LSTMCell} whose kernel is [F + H, 4H] and bias [4H], if the shapes fit one. */
    public static Optional<Long> tf1LstmCellUnits(long[] kernel, long[] bias) {
        if (kernel.length != 2 || kernel[1] <= 0 || kernel[1] % 4 != 0 || bias == null) {
            return Optional.empty();
        }
        long units = kernel[1] / 4;
        return kernel[0] > units && lstmBiasFits(bias, units) ? Optional.of(units) : Optional.empty();
    }
}
