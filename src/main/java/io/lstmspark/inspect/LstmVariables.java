package io.lstmspark.inspect;

import io.lstmspark.model.keras.RecurrentWeightShapes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Finds LSTM layers from weight names and shapes alone, by {@link RecurrentWeightShapes}: a scope holding
 * {@code kernel}, {@code recurrent_kernel} and optionally {@code bias} of an LSTM's shapes is a Keras-layout
 * LSTM layer (gates i, f, c, o); a scope named like an LSTM cell with an LSTMCell's {@code kernel} and
 * {@code bias} and no recurrent kernel is a TF1 {@code LSTMCell} (gates i, j, f, o).
 * What the weights do not record (activations, return_sequences) is not guessed.
 */
final class LstmVariables {

    static final String KERAS = "keras";
    static final String TF1_CELL = "tf1-lstm-cell";

    private static final String KERNEL = "kernel";
    private static final String RECURRENT_KERNEL = "recurrent_kernel";
    private static final String BIAS = "bias";

    private LstmVariables() {
    }

    /**
     * One LSTM layer found.
     *
     * @param scope    the weights' common name prefix
     * @param units    H
     * @param features F, the size of each input step
     * @param layout   {@value #KERAS} or {@value #TF1_CELL}
     * @param weights  weight name → shape
     */
    record Layer(String scope, long units, long features, String layout, Map<String, long[]> weights) {
    }

    /**
     * Whether a name can be an LSTM weight: {@code scope/kernel}, {@code scope/recurrent_kernel}, {@code scope/bias}.
     */
    static boolean isWeightName(String name) {
        int slash = name.lastIndexOf('/');
        String leaf = name.substring(slash + 1);
        return slash > 0 && (leaf.equals(KERNEL) || leaf.equals(RECURRENT_KERNEL) || leaf.equals(BIAS));
    }

    /** The LSTM layers among the named weights (name → static shape), in scope order. */
    static List<Layer> find(Map<String, long[]> weights) {
        Map<String, Map<String, long[]>> scopes = new TreeMap<>();
        weights.forEach((name, shape) -> {
            if (isWeightName(name)) {
                int slash = name.lastIndexOf('/');
                scopes.computeIfAbsent(name.substring(0, slash), s -> new LinkedHashMap<>())
                        .put(name.substring(slash + 1), shape);
            }
        });
        List<Layer> layers = new ArrayList<>();
        scopes.forEach((scope, leaves) -> {
            long[] kernel = leaves.get(KERNEL);
            long[] recurrent = leaves.get(RECURRENT_KERNEL);
            long[] bias = leaves.get(BIAS);
            if (kernel == null) {
                return;
            }
            Map<String, long[]> named = new LinkedHashMap<>();
            for (String leaf : List.of(KERNEL, RECURRENT_KERNEL, BIAS)) {
                if (leaves.containsKey(leaf)) {
                    named.put(scope + "/" + leaf, leaves.get(leaf));
                }
            }
            if (recurrent != null) {
                if (RecurrentWeightShapes.kerasKind(kernel, recurrent).orElse(null) == RecurrentWeightShapes.Kind.LSTM
                        && RecurrentWeightShapes.lstmBiasFits(bias, recurrent[0])) {
                    layers.add(new Layer(scope, recurrent[0], kernel[0], KERAS, named));
                }
            } else if (looksLikeLstmCell(scope)) {
                RecurrentWeightShapes.tf1LstmCellUnits(kernel, bias).ifPresent(units ->
                        layers.add(new Layer(scope, units, kernel[0] - units, TF1_CELL, named)));
            }
        });
        return layers;
    }

    /** TF1 cells live in scopes such as rnn/lstm_cell, rnn/basic_lstm_cell, rnn/multi_rnn_cell/cell_0/lstm_cell. */
    private static boolean looksLikeLstmCell(String scope) {
        String last = scope.substring(scope.lastIndexOf('/') + 1).toLowerCase(java.util.Locale.ROOT);
        return last.contains("lstm");
    }
}
