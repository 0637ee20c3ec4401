package io.lstmspark.bench;

import io.lstmspark.model.keras.StateTaps;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.ndarray.Shape;

/**
 * The floating-point operations per window of a model whose LSTM layers and head the state taps
 * compute: its matrix products, two operations per multiply-add. Per LSTM layer, each of the T steps
 * multiplies [x, h] (F + H values) by the four gates' kernels (4H columns): 2 T 4H (F + H); per Dense
 * layer of the head, 2 in out once per window. The gates' element-wise work (biases, activations, the
 * cell update) is not counted: it is O(T H) against the products' O(T H (F + H)).
 *
 * @param lstm the LSTM layers' products
 * @param head the head's Dense products
 */
record ModelFlops(long lstm, long head) {

    static ModelFlops of(StateTaps taps, Graph graph) {
        long lstm = 0;
        for (StateTaps.TapLayer layer : taps.layers()) {
            lstm += 2L * taps.length() * 4L * layer.units() * (layer.features() + layer.units());
        }
        long head = 0;
        for (StateTaps.HeadStep step : taps.head().steps()) {
            if (!step.kernelOp().isEmpty()) {
                GraphOperation kernel = graph.operation(step.kernelOp());
                Shape shape = kernel.attributes().getAttrShape("shape");
                head += 2L * shape.get(0) * shape.get(1);
            }
        }
        return new ModelFlops(lstm, head);
    }

    long perWindow() {
        return lstm + head;
    }
}
