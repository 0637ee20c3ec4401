package io.lstmspark.model;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TFloating;

/**
 * The step of a Keras LSTM layer as TensorFlow ops, for the graphs lstm-spark builds (state taps and Keras
 * files). Steps and states are feature-major, [features, batch]: a step's z = [W; U; b]^T [x; h; 1] is one
 * MatMul (the bias folded in as a row of ones) whose gates i, f, g, o split along the first dimension
 * without copies; c' = f c + i act(g), h' = o act(c'). Batch-major, the split copies each gate and a
 * BiasAdd runs per step (BENCHMARKS.md has what else was measured).
 *
 * <p>With Keras' default activations (sigmoid gates, tanh cell) the step takes the tanh form: one Tanh
 * over all four gates, as sigmoid(z) = (1 + tanh(z / 2)) / 2. The halving of z goes into the i, f, o
 * columns of the weights, and the step carries 2h to the next product, so that h's halving goes into the
 * recurrent kernel: c' = (c + t_f c + t_g + t_i t_g) / 2, 2h' = tanh c' + t_o tanh c'. The step has one
 * element-wise op fewer, and TensorFlow Java's Eigen computed a tanh for 0.7 of a sigmoid's time on AMD
 * Zen 5 (the same on Zen 4, where neither form was faster).
 *
 * <p>Where lstm-spark's own kernel for the gates is loaded ({@link NativeGates}), float32 steps with those
 * activations take it instead: one op and one pass over memory for what takes TensorFlow's kernels ten.
 */
public final class LstmStep<T extends TFloating> {

    /** A layer's states, [units, batch]. */
    public static final class State<T extends TFloating> {
        private final Operand<T> h;
        private final Operand<T> c;
        /** What the next step multiplies by the recurrent kernel: h, or 2h in the tanh form. */
        private final Operand<T> carried;

        private State(Operand<T> h, Operand<T> c, Operand<T> carried) {
            this.h = h;
            this.c = c;
            this.carried = carried;
        }

        /** The hidden state, as Keras computes it. */
        public Operand<T> h() {
            return h;
        }

        /** The cell state, as Keras computes it. */
        public Operand<T> c() {
            return c;
        }
    }

    /** How a step computes the gates and the next states from z. */
    private enum Form {
        /** The layer's own activations, one op each. */
        ACTIVATIONS,
        /** Sigmoid gates and a tanh cell through one Tanh, carrying 2h. */
        TANH_FORM,
        /** Sigmoid gates and a tanh cell in {@value NativeGates#OP}. */
        NATIVE_KERNEL
    }

    private final Ops tf;
    private final Form form;
    private final Operand<T> weights;
    private final Operand<T> ones;
    /** The layer's activations, in {@link Form#ACTIVATIONS} only. */
    private final UnaryOperator<Operand<T>> recurrentActivation;
    private final UnaryOperator<Operand<T>> activation;
    /** One half, in {@link Form#TANH_FORM} only. */
    private final Operand<T> half;

    private LstmStep(Ops tf, Form form, Operand<T> weights, Operand<T> ones,
                     UnaryOperator<Operand<T>> recurrentActivation, UnaryOperator<Operand<T>> activation,
                     Operand<T> half) {
        this.tf = tf;
        this.form = form;
        this.weights = weights;
        this.ones = ones;
        this.recurrentActivation = recurrentActivation;
        this.activation = activation;
        this.half = half;
    }

    /**
     * The step of a layer with Keras' weights: kernel [features, 4 units], recurrent kernel [units, 4 units],
     * bias [4 units] or null; the gates' activation and the cell's.
     */
    public static <T extends TFloating> LstmStep<T> of(Ops tf, Operand<T> kernel, Operand<T> recurrentKernel,
                                                       Operand<T> bias, Operand<TInt32> batch,
                                                       UnaryOperator<Operand<T>> recurrentActivation,
                                                       UnaryOperator<Operand<T>> activation) {
        return new LstmStep<>(tf, Form.ACTIVATIONS, weights(tf, kernel, recurrentKernel, bias),
                ones(tf, kernel, bias, batch), recurrentActivation, activation, null);
    }

    /**
     * The step of a layer with Keras' default activations, sigmoid and tanh: with lstm-spark's kernel for
     * float32 where it is loaded, else in the tanh form.
     */
    public static <T extends TFloating> LstmStep<T> sigmoidTanh(Ops tf, Operand<T> kernel,
                                                                Operand<T> recurrentKernel, Operand<T> bias,
                                                                Operand<TInt32> batch, int units) {
        return kernel.type() == TFloat32.class && NativeGates.available()
                ? nativeKernel(tf, kernel, recurrentKernel, bias, batch)
                : tanhForm(tf, kernel, recurrentKernel, bias, batch, units);
    }

    /** Sigmoid gates and a tanh cell by lstm-spark's kernel, {@value NativeGates#OP}; float32 only. */
    static <T extends TFloating> LstmStep<T> nativeKernel(Ops tf, Operand<T> kernel, Operand<T> recurrentKernel,
                                                          Operand<T> bias, Operand<TInt32> batch) {
        return new LstmStep<>(tf, Form.NATIVE_KERNEL, weights(tf, kernel, recurrentKernel, bias),
                ones(tf, kernel, bias, batch), null, null, null);
    }

    /** Sigmoid gates and a tanh cell by TensorFlow's ops, in the tanh form. */
    static <T extends TFloating> LstmStep<T> tanhForm(Ops tf, Operand<T> kernel, Operand<T> recurrentKernel,
                                                      Operand<T> bias, Operand<TInt32> batch, int units) {
        float[] gateScale = new float[4 * units];
        for (int column = 0; column < gateScale.length; column++) {
            boolean cellGate = column >= 2 * units && column < 3 * units;
            gateScale[column] = cellGate ? 1f : 0.5f;
        }
        Operand<T> scale = tf.dtypes.cast(tf.constant(gateScale), kernel.type());
        Operand<T> half = tf.dtypes.cast(tf.constant(0.5f), kernel.type());
        Operand<T> weights = weights(tf, tf.math.mul(kernel, scale),
                tf.math.mul(recurrentKernel, tf.math.mul(scale, half)), bias == null ? null : tf.math.mul(bias, scale));
        return new LstmStep<>(tf, Form.TANH_FORM, weights, ones(tf, kernel, bias, batch), null, null, half);
    }

    /** [W; U; b]^T, [4 units, features + units (+ 1)]. */
    private static <T extends TFloating> Operand<T> weights(Ops tf, Operand<T> kernel, Operand<T> recurrentKernel,
                                                            Operand<T> bias) {
        List<Operand<T>> rows = new ArrayList<>(List.of(kernel, recurrentKernel));
        if (bias != null) {
            rows.add(tf.reshape(bias, tf.constant(new int[] {1, -1})));
        }
        // Directly under the MatMul, this transpose is folded into it by Grappler (transpose_a).
        return tf.linalg.transpose(tf.concat(rows, tf.constant(0)), tf.constant(new int[] {1, 0}));
    }

    /** The row of ones [1, batch] that multiplies the bias, or null without one. */
    private static <T extends TFloating> Operand<T> ones(Ops tf, Operand<T> kernel, Operand<T> bias,
                                                         Operand<TInt32> batch) {
        return bias == null ? null : tf.fill(tf.concat(List.of(tf.constant(new int[] {1}), batch), tf.constant(0)),
                tf.dtypes.cast(tf.constant(1f), kernel.type()));
    }

    /** The states before the first step, h0 and c0 [units, batch]. */
    public State<T> start(Operand<T> h0, Operand<T> c0) {
        return new State<>(h0, c0, form == Form.TANH_FORM ? tf.math.add(h0, h0) : h0);
    }

    /** The states after input step x [features, batch]. */
    public State<T> next(Operand<T> x, State<T> state) {
        Operand<T> z = tf.linalg.matMul(weights, tf.concat(ones == null ? List.of(x, state.carried)
                : List.of(x, state.carried, ones), tf.constant(0)));
        return switch (form) {
            case ACTIVATIONS -> activated(z, state.c);
            case TANH_FORM -> tanhFormGates(z, state.c);
            case NATIVE_KERNEL -> nativeGates(z, state.c);
        };
    }

    private State<T> nativeGates(Operand<T> z, Operand<T> c) {
        GraphOperation gates = (GraphOperation) tf.scope().opBuilder(NativeGates.OP, "Gates")
                .addInput(z.asOutput()).addInput(c.asOutput()).build();
        Output<T> h = gates.output(0);
        return new State<>(h, gates.output(1), h);
    }

    private State<T> activated(Operand<T> z, Operand<T> c) {
        List<Output<T>> gates = tf.split(tf.constant(0), z, 4L).output();
        Operand<T> i = recurrentActivation.apply(gates.get(0));
        Operand<T> f = recurrentActivation.apply(gates.get(1));
        Operand<T> g = activation.apply(gates.get(2));
        Operand<T> o = recurrentActivation.apply(gates.get(3));
        Operand<T> next = tf.math.add(tf.math.mul(f, c), tf.math.mul(i, g));
        Operand<T> h = tf.math.mul(o, activation.apply(next));
        return new State<>(h, next, h);
    }

    private State<T> tanhFormGates(Operand<T> z, Operand<T> c) {
        List<Output<T>> gates = tf.split(tf.constant(0), tf.math.tanh(z), 4L).output();
        Operand<T> tanhI = gates.get(0);
        Operand<T> tanhF = gates.get(1);
        Operand<T> tanhG = gates.get(2);
        Operand<T> tanhO = gates.get(3);
        Operand<T> next = tf.math.mul(tf.math.addN(List.of(c, tf.math.mul(tanhF, c), tanhG,
                tf.math.mul(tanhI, tanhG))), half);
        Operand<T> activated = tf.math.tanh(next);
        Operand<T> doubledH = tf.math.add(activated, tf.math.mul(tanhO, activated));
        // Computed only where something takes h itself: the next step takes 2h.
        return new State<>(tf.math.mul(doubledH, half), next, doubledH);
    }
}
