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
 * without copies; c' = f c + i act(g), h' = o act(c'). Batch-major, the split copies each gate and a
 * BiasAdd runs per step (BENCHMARKS.md has what else was measured).
 */
public final class LstmStep<T extends TFloating> {

    /** A layer's states after a step, [units, batch]. */
    public record State<T extends TFloating>(Operand<T> h, Operand<T> c) {
    }

    private final Ops tf;
    private final Operand<T> weights;
    private final Operand<T> ones;
    private final UnaryOperator<Operand<T>> recurrentActivation;
    private final UnaryOperator<Operand<T>> activation;

    private LstmStep(Ops tf, Operand<T> weights, Operand<T> ones, UnaryOperator<Operand<T>> recurrentActivation,
                     UnaryOperator<Operand<T>> activation) {
        this.tf = tf;
        this.weights = weights;
        this.ones = ones;
        this.recurrentActivation = recurrentActivation;
        this.activation = activation;
    }

    /**
     * The step of a layer with Keras' weights: kernel [features, 4 units], recurrent kernel [units, 4 units],
     * bias [4 units] or null; the gates' activation and the cell's.
     */
    public static <T extends TFloating> LstmStep<T> of(Ops tf, Operand<T> kernel, Operand<T> recurrentKernel,
                                                       Operand<T> bias, Operand<TInt32> batch,
                                                       UnaryOperator<Operand<T>> recurrentActivation,
                                                       UnaryOperator<Operand<T>> activation) {
        List<Operand<T>> rows = new ArrayList<>(List.of(kernel, recurrentKernel));
        Operand<T> ones = null;
        if (bias != null) {
            rows.add(tf.reshape(bias, tf.constant(new int[] {1, -1})));
            ones = tf.fill(tf.concat(List.of(tf.constant(new int[] {1}), batch), tf.constant(0)),
                    tf.dtypes.cast(tf.constant(1f), kernel.type()));
        }
        // Directly under the MatMul, this transpose is folded into it by Grappler (transpose_a).
        Operand<T> weights = tf.linalg.transpose(tf.concat(rows, tf.constant(0)), tf.constant(new int[] {1, 0}));
        return new LstmStep<>(tf, weights, ones, recurrentActivation, activation);
    }

    /** The states after input step x [features, batch] from states h and c [units, batch]. */
    public State<T> next(Operand<T> x, Operand<T> h, Operand<T> c) {
        Operand<T> z = tf.linalg.matMul(weights, tf.concat(ones == null ? List.of(x, h) : List.of(x, h, ones),
                tf.constant(0)));
        List<Output<T>> gates = tf.split(tf.constant(0), z, 4L).output();
        Operand<T> i = recurrentActivation.apply(gates.get(0));
        Operand<T> f = recurrentActivation.apply(gates.get(1));
        Operand<T> g = activation.apply(gates.get(2));
        Operand<T> o = recurrentActivation.apply(gates.get(3));
        Operand<T> next = tf.math.add(tf.math.mul(f, c), tf.math.mul(i, g));
        return new State<>(tf.math.mul(o, activation.apply(next)), next);
    }
}
