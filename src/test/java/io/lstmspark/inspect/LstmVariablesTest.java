package io.lstmspark.inspect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** LSTM layers are recognised from weight names and shapes, and nothing else is taken for one. */
class LstmVariablesTest {

    private static Map<String, long[]> weights(Object... nameThenShape) {
        Map<String, long[]> weights = new LinkedHashMap<>();
        for (int i = 0; i < nameThenShape.length; i += 2) {
            weights.put((String) nameThenShape[i], (long[]) nameThenShape[i + 1]);
        }
        return weights;
    }

    @Test
    void kerasKernelRecurrentKernelAndBiasGiveUnitsAndInputSize() {
        List<LstmVariables.Layer> layers = LstmVariables.find(weights(
                "lstm_5/lstm_cell_5/kernel", new long[] {3, 256},
                "lstm_5/lstm_cell_5/recurrent_kernel", new long[] {64, 256},
                "lstm_5/lstm_cell_5/bias", new long[] {256}));
        assertEquals(1, layers.size());
        LstmVariables.Layer layer = layers.get(0);
        assertEquals("lstm_5/lstm_cell_5", layer.scope());
        assertEquals(64, layer.units());
        assertEquals(3, layer.features());
        assertEquals(LstmVariables.KERAS, layer.layout());
        assertEquals(List.of("lstm_5/lstm_cell_5/kernel", "lstm_5/lstm_cell_5/recurrent_kernel",
                "lstm_5/lstm_cell_5/bias"), List.copyOf(layer.weights().keySet()));
    }

    @Test
    void layerWithoutBiasIsStillAnLstm() {
        List<LstmVariables.Layer> layers = LstmVariables.find(weights(
                "encoder/lstm/kernel", new long[] {8, 32}, "encoder/lstm/recurrent_kernel", new long[] {8, 32}));
        assertEquals(1, layers.size());
        assertEquals(8, layers.get(0).units());
    }

    @Test
    void tf1CellKernelOverInputAndStateGivesUnitsAndInputSize() {
        List<LstmVariables.Layer> layers = LstmVariables.find(weights(
                "rnn/multi_rnn_cell/cell_0/lstm_cell/kernel", new long[] {2 + 16, 64},
                "rnn/multi_rnn_cell/cell_0/lstm_cell/bias", new long[] {64}));
        assertEquals(1, layers.size());
        assertEquals(16, layers.get(0).units());
        assertEquals(2, layers.get(0).features());
        assertEquals(LstmVariables.TF1_CELL, layers.get(0).layout());
    }

    @Test
    void gruDenseAndOptimizerSlotsAreNotTakenForLstmLayers() {
        List<LstmVariables.Layer> layers = LstmVariables.find(weights(
                "gru/gru_cell/kernel", new long[] {3, 96},
                "gru/gru_cell/recurrent_kernel", new long[] {32, 96},
                "gru/gru_cell/bias", new long[] {2, 96},
                "dense_15/kernel", new long[] {64, 32},
                "dense_15/bias", new long[] {32},
                "Adam/lstm/lstm_cell/kernel/m", new long[] {3, 256},
                "lstm/lstm_cell/kernel_1", new long[] {3, 256},
                "lstm/lstm_cell/recurrent_kernel_1", new long[] {64, 256}));
        assertTrue(layers.isEmpty(), () -> "found " + layers);
    }
}
