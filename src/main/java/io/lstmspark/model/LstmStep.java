package io.lstmspark.model;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TFloating;

/**
 * The step of a Keras LSTM layer as TensorFlow ops, for the graphs lstm-spark builds (state taps and Keras
 * files). Steps and states are feature-major, [features, batch]: a step's z = [W; U; b]^T [x; h; 1] is one
 * MatMul (the bias folded in as a row of ones) whose gates i, f, g, o split along the first dimension
 * without copies; c' = f c + i act(g), h' = o act(c').
 *
 * <p>With Keras' default activations (sigmoid gates, tanh) the three sigmoids are computed as tanh,
 * sigmoid(z) = (1 + tanh(z / 2)) / 2, the halving folded into the weights' i, f and o rows: one Tanh over
 * all four gates replaces three Sigmoids and a Tanh, and the "1 +" and "/ 2" go into the products:
 * c' = (c + tanh_f c + g + tanh_i g) / 2 (one AddN), h' = (act(c') + tanh_o act(c')) / 2. TensorFlow's
 * CPU sigmoid costs about 1.3 times its tanh per value, and the element-wise gate work is most of the step
 * besides the MatMul (BENCHMARKS.md).
 */
public final class LstmStep<T extends TFloating> {

    /** A layer's states after a step, [units, batch]. */
    public record State<T extends TFloating>(Operand<T> h, Operand<T> c) {
    }

    private final Ops tf;
    private final Operand<T> weights;
    private final Operand<T> ones;
    private final boolean tanhGates;
    private final UnaryOperator<Operand<T>> recurrentActivation;
    private final UnaryOperator<Operand<T>> activation;
    private final Operand<T> half;

    private LstmStep(Ops tf, Operand<T> weights, Operand<T> ones, boolean tanhGates,
                     UnaryOperator<Operand<T>> recurrentActivation, UnaryOperator<Operand<T>> activation) {
        this.tf = tf;
        this.weights = weights;
        this.ones = ones;
        this.tanhGates = tanhGates;
        this.recurrentActivation = recurrentActivation;
        this.activation = activation;
        this.half = tf.dtypes.cast(tf.constant(0.5), weights.type());
    }

    /**
     * The step of a layer with Keras' weights: kernel [features, 4 units], recurrent kernel [units, 4 units],
     * bias [4 units] or null; {@code kerasDefaults} when the gates are sigmoid and the activation tanh (the
     * activations given are then not used).
     */
    public static <T extends TFloating> LstmStep<T> of(Ops tf, Operand<T> kernel, Operand<T> recurrentKernel,
                                                       Operand<T> bias, Operand<TInt32> batch, int units,
                                                       boolean kerasDefaults,
                                                       UnaryOperator<Operand<T>> recurrentActivation,
                                                       UnaryOperator<Operand<T>> activation) {
        List<Operand<T>> rows = new ArrayList<>(List.of(kernel, recurrentKernel));
        Operand<T> ones = null;
        if (bias != null) {
            rows.add(tf.reshape(bias, tf.constant(new int[] {1, -1})));
            ones = tf.fill(tf.concat(List.of(tf.constant(new int[] {1}), batch), tf.constant(0)),
                    tf.dtypes.cast(tf.constant(1f), kernel.type()));
        }
        Operand<T> weights = tf.linalg.transpose(tf.concat(rows, tf.constant(0)), tf.constant(new int[] {1, 0}));
        if (kerasDefaults) {
            float[][] gateScale = new float[4 * units][1];
            for (int row = 0; row < 4 * units; row++) {
                gateScale[row][0] = row / units == 2 ? 1f : 0.5f;
            }
            weights = tf.math.mul(weights, tf.dtypes.cast(tf.constant(gateScale), kernel.type()));
        }
        return new LstmStep<>(tf, weights, ones, kerasDefaults, recurrentActivation, activation);
    }

    /** The states after input step x [features, batch] from states h and c [units, batch]. */
    public State<T> next(Operand<T> x, Operand<T> h, Operand<T> c) {
        Operand<T> z = tf.linalg.matMul(weights, tf.concat(ones == null ? List.of(x, h) : List.of(x, h, ones),
                tf.constant(0)));
        if (tanhGates) {
            List<Output<T>> t = tf.split(tf.constant(0), tf.math.tanh(z), 4L).output();
            Operand<T> next = tf.math.mul(half, tf.math.addN(List.of(c, tf.math.mul(t.get(1), c), t.get(2),
                    tf.math.mul(t.get(0), t.get(2)))));
            Operand<T> cellActivation = tf.math.tanh(next);
            return new State<>(tf.math.mul(half, tf.math.add(cellActivation, tf.math.mul(t.get(3), cellActivation))),
                    next);
        }
        List<Output<T>> gates = tf.split(tf.constant(0), z, 4L).output();
        Operand<T> next = tf.math.add(tf.math.mul(recurrentActivation.apply(gates.get(1)), c),
                tf.math.mul(recurrentActivation.apply(gates.get(0)), activation.apply(gates.get(2))));
        return new State<>(tf.math.mul(recurrentActivation.apply(gates.get(3)), activation.apply(next)), next);
    }
}
