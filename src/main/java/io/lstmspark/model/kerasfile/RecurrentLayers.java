package io.lstmspark.model.kerasfile;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lstmspark.model.LstmStep;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Stack;
import org.tensorflow.op.core.Unstack;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TFloating;

/**
 * LSTM, GRU, SimpleRNN and Bidirectional, unrolled over the input's declared steps (as the LSTM state
 * taps are). A top-level layer's initial states are placeholders with zeros as default and its final
 * states named, so that stream mode can carry them and {@code lstm:} outputs can address them.
 */
final class RecurrentLayers<T extends TFloating> extends LayerOps<T> {

    /** The batch size of the input, for the zero initial states. */
    private final Operand<TInt32> batch;
    private final List<KerasGraph.LstmStates> lstmLayers = new ArrayList<>();
    private final List<KerasGraph.CarriedState> carried = new ArrayList<>();

    RecurrentLayers(KerasFile file, Class<T> type, Set<String> usedWeights, Operand<TInt32> batch) {
        super(file, type, usedWeights);
        this.batch = batch;
    }

    /** Every top-level LSTM layer built so far, in order: its position is its {@code lstm:N}. */
    List<KerasGraph.LstmStates> lstmLayers() {
        return lstmLayers;
    }

    /** The states of every top-level recurrent layer built so far, for stream mode to carry. */
    List<KerasGraph.CarriedState> carried() {
        return carried;
    }

    /**
     * LSTM, GRU or SimpleRNN over [batch, steps, features]: returns its output (the sequence or the last
     * state) and, with return_state, its final states, as Keras does.
     */
    List<KerasValue> recurrent(Ops tf, KerasLayer layer, String kind, KerasValue x, List<KerasWeight> weights,
                               boolean topLevel) {
        requireRank(layer, x, 2);
        int units = layer.intConfig("units");
        long features = x.last();
        int steps = Math.toIntExact(x.shape()[0]);
        boolean useBias = layer.boolConfig("use_bias", true);
        boolean resetAfter = kind.equals("GRU") && layer.boolConfig("reset_after", file.kerasMajor() >= 3);
        int gates = switch (kind) {
            case "LSTM" -> 4;
            case "GRU" -> 3;
            default -> 1;
        };
        List<long[]> expected = new ArrayList<>(List.of(new long[] {features, (long) gates * units},
                new long[] {units, (long) gates * units}));
        if (useBias) {
            expected.add(resetAfter ? new long[] {2, (long) gates * units} : new long[] {(long) gates * units});
        }
        checkWeights(layer, weights, expected, kind + "(units=" + units + ", use_bias=" + useBias
                + (kind.equals("GRU") ? ", reset_after=" + resetAfter : "") + ") on " + features + " features");
        String activation = KerasActivation.name(layer, "activation", "tanh");
        String recurrentActivation = kind.equals("SimpleRNN") ? "linear"
                : KerasActivation.name(layer, "recurrent_activation", file.kerasMajor() >= 3 ? "sigmoid"
                : "hard_sigmoid");
        Operand<T> kernel = constant(tf, weights.get(0));
        Operand<T> recurrentKernel = constant(tf, weights.get(1));
        Operand<T> bias = useBias ? constant(tf, weights.get(2)) : null;

        // An LSTM keeps its steps and states feature-major, [features, batch], as the state taps do (LstmStep).
        boolean lstm = kind.equals("LSTM");
        List<Operand<T>> inputs = unstack(tf, tf.linalg.transpose(cast(x),
                tf.constant(lstm ? new int[] {1, 2, 0} : new int[] {1, 0, 2})), steps);
        if (layer.boolConfig("go_backwards", false)) {
            inputs = new ArrayList<>(inputs);
            Collections.reverse(inputs);
        }
        Operand<T> zeros = tf.fill(tf.concat(List.of(batch, tf.constant(new int[] {units})), tf.constant(0)),
                KerasActivation.scalar(tf, kernel, 0));
        Operand<T> h0 = topLevel ? tf.withName("h0").placeholderWithDefault(zeros, Shape.of(-1, units)) : zeros;
        Operand<T> c0 = kind.equals("LSTM") && topLevel
                ? tf.withName("c0").placeholderWithDefault(zeros, Shape.of(-1, units)) : zeros;
        Operand<T> h = lstm ? transposed(tf, h0) : h0;
        Operand<T> c = lstm ? transposed(tf, c0) : c0;
        List<Operand<T>> hs = new ArrayList<>();
        List<Operand<T>> cs = new ArrayList<>();
        LstmStep<T> cell = lstm ? lstmStep(tf, kernel, recurrentKernel, bias, units, recurrentActivation, activation)
                : null;
        LstmStep.State<T> state = lstm ? cell.start(h, c) : null;
        for (Operand<T> step : inputs) {
            switch (kind) {
                case "LSTM" -> {
                    state = cell.next(step, state);
                    h = state.h();
                    c = state.c();
                    cs.add(c);
                }
                case "GRU" -> h = gruStep(tf, step, h, kernel, recurrentKernel, bias, resetAfter, activation,
                        recurrentActivation);
                default -> {
                    Operand<T> z = tf.math.add(tf.linalg.matMul(step, kernel), tf.linalg.matMul(h, recurrentKernel));
                    h = activation(tf, activation, bias == null ? z : tf.nn.biasAdd(z, bias));
                }
            }
            hs.add(h);
        }
        Operand<T> sequence = lstm ? tf.withName("sequence").linalg.transpose(tf.stack(hs), stepsInside(tf))
                : tf.withName("sequence").stack(hs, Stack.axis(1L));
        Operand<T> last = lstm ? tf.withName("h").linalg.transpose(h, tf.constant(new int[] {1, 0}))
                : tf.withName("h").identity(h);
        Operand<T> lastCell = lstm ? tf.withName("c").linalg.transpose(c, tf.constant(new int[] {1, 0})) : null;
        if (topLevel) {
            carried.add(new KerasGraph.CarriedState(layer.name(), name(h0), name(last), units));
            if (kind.equals("LSTM")) {
                Operand<T> cellSequence = tf.withName("cell_sequence").linalg.transpose(tf.stack(cs),
                        stepsInside(tf));
                carried.add(new KerasGraph.CarriedState(layer.name(), name(c0), name(lastCell), units));
                lstmLayers.add(new KerasGraph.LstmStates(layer.name(), lstmLayers.size(), units, name(last),
                        name(lastCell), name(sequence), name(cellSequence)));
            }
        }
        List<KerasValue> out = new ArrayList<>();
        out.add(layer.boolConfig("return_sequences", false) ? new KerasValue(sequence, new long[] {steps, units})
                : new KerasValue(last, new long[] {units}));
        if (layer.boolConfig("return_state", false)) {
            out.add(new KerasValue(last, new long[] {units}));
            if (lastCell != null) {
                out.add(new KerasValue(lastCell, new long[] {units}));
            }
        }
        return out;
    }

    /** An LSTM layer's step; with Keras' default activations, {@link LstmStep#sigmoidTanh}'s. */
    private LstmStep<T> lstmStep(Ops tf, Operand<T> kernel, Operand<T> recurrentKernel, Operand<T> bias, int units,
                                 String recurrentActivation, String activation) {
        if (recurrentActivation.equals("sigmoid") && activation.equals("tanh")) {
            return LstmStep.sigmoidTanh(tf, kernel, recurrentKernel, bias, batch, units);
        }
        return LstmStep.of(tf, kernel, recurrentKernel, bias, batch, v -> activation(tf, recurrentActivation, v),
                v -> activation(tf, activation, v));
    }

    /** [rows, columns] to [columns, rows]. */
    private Operand<T> transposed(Ops tf, Operand<T> x) {
        return tf.linalg.transpose(x, tf.constant(new int[] {1, 0}));
    }

    /** The permutation of stacked feature-major steps [steps, units, batch] to [batch, steps, units]. */
    private static Operand<TInt32> stepsInside(Ops tf) {
        return tf.constant(new int[] {2, 0, 1});
    }

    /**
     * One GRU step as Keras computes it: gates z, r, candidate; with reset_after the reset gate scales
     * the recurrent projection (bias [2, 3 units]: input and recurrent), without it the state before it.
     */
    Operand<T> gruStep(Ops tf, Operand<T> x, Operand<T> h, Operand<T> kernel, Operand<T> recurrentKernel,
                       Operand<T> bias, boolean resetAfter, String activation, String recurrentActivation) {
        Operand<T> inputBias = null;
        Operand<T> recurrentBias = null;
        if (bias != null && resetAfter) {
            List<Output<T>> biases = tf.unstack(bias, 2L, Unstack.axis(0L)).output();
            inputBias = biases.get(0);
            recurrentBias = biases.get(1);
        } else if (bias != null) {
            inputBias = bias;
        }
        Operand<T> projected = tf.linalg.matMul(x, kernel);
        if (inputBias != null) {
            projected = tf.nn.biasAdd(projected, inputBias);
        }
        List<Output<T>> xs = tf.split(tf.constant(1), projected, 3L).output();
        List<Output<T>> kernels = tf.split(tf.constant(1), recurrentKernel, 3L).output();
        Operand<T> z;
        Operand<T> r;
        Operand<T> candidate;
        if (resetAfter) {
            Operand<T> inner = tf.linalg.matMul(h, recurrentKernel);
            if (recurrentBias != null) {
                inner = tf.nn.biasAdd(inner, recurrentBias);
            }
            List<Output<T>> hs = tf.split(tf.constant(1), inner, 3L).output();
            z = activation(tf, recurrentActivation, tf.math.add(xs.get(0), hs.get(0)));
            r = activation(tf, recurrentActivation, tf.math.add(xs.get(1), hs.get(1)));
            candidate = activation(tf, activation, tf.math.add(xs.get(2), tf.math.mul(r, hs.get(2))));
        } else {
            z = activation(tf, recurrentActivation, tf.math.add(xs.get(0), tf.linalg.matMul(h, kernels.get(0))));
            r = activation(tf, recurrentActivation, tf.math.add(xs.get(1), tf.linalg.matMul(h, kernels.get(1))));
            candidate = activation(tf, activation, tf.math.add(xs.get(2),
                    tf.linalg.matMul(tf.math.mul(r, h), kernels.get(2))));
        }
        // h' = z h + (1 - z) candidate
        return tf.math.add(tf.math.mul(z, h), tf.math.mul(tf.math.sub(KerasActivation.scalar(tf, z, 1), z),
                candidate));
    }

    /** Bidirectional: the forward layer, the backward layer (reversed back when it returns sequences), merged. */
    List<KerasValue> bidirectional(Ops tf, KerasLayer layer, KerasValue x, List<KerasWeight> weights) {
        KerasLayer forward = inner(layer, layer.config().path("layer"));
        KerasLayer backward;
        if (layer.config().hasNonNull("backward_layer")) {
            backward = inner(layer, layer.config().get("backward_layer"));
        } else {
            ObjectNode flipped = forward.config().deepCopy();
            flipped.put("go_backwards", !forward.boolConfig("go_backwards", false));
            backward = new KerasLayer(forward.name() + "_backward", forward.className(), flipped, List.of());
        }
        for (KerasLayer direction : List.of(forward, backward)) {
            if (!Set.of("LSTM", "GRU", "SimpleRNN").contains(direction.className())) {
                throw new KerasFileException("Keras file " + file.path() + ": layer " + layer.label() + " wraps a "
                        + direction.className() + "; lstm-spark builds Bidirectional over LSTM, GRU or SimpleRNN");
            }
        }
        if (weights.size() % 2 != 0) {
            throw mismatch(layer, weights, "two recurrent layers' weights, as many for each direction");
        }
        int half = weights.size() / 2;
        List<KerasValue> fw = recurrent(tf.withSubScope("forward"), forward, forward.className(), x,
                weights.subList(0, half), false);
        List<KerasValue> bw = recurrent(tf.withSubScope("backward"), backward, backward.className(), x,
                weights.subList(half, weights.size()), false);
        KerasValue fwOut = fw.get(0);
        KerasValue bwOut = bw.get(0);
        Operand<T> backwardOutput = cast(bwOut);
        if (bwOut.rank() == 2) {
            backwardOutput = tf.reverse(backwardOutput, tf.constant(new int[] {1}));
        }
        String mode = layer.textConfig("merge_mode", "concat");
        KerasValue merged = switch (mode) {
            case "concat" -> new KerasValue(tf.concat(List.of(cast(fwOut), backwardOutput), tf.constant(-1)),
                    withLast(fwOut.shape(), fwOut.last() + bwOut.last()));
            case "sum" -> new KerasValue(tf.math.add(cast(fwOut), backwardOutput), fwOut.shape());
            case "mul" -> new KerasValue(tf.math.mul(cast(fwOut), backwardOutput), fwOut.shape());
            case "ave" -> new KerasValue(tf.math.mul(tf.math.add(cast(fwOut), backwardOutput),
                    KerasActivation.scalar(tf, backwardOutput, 0.5)), fwOut.shape());
            default -> throw new KerasFileException("Keras file " + file.path() + ": layer " + layer.label()
                    + " has merge_mode " + mode + "; lstm-spark builds concat, sum, mul and ave");
        };
        List<KerasValue> out = new ArrayList<>();
        out.add(merged);
        out.addAll(fw.subList(1, fw.size()));
        out.addAll(bw.subList(1, bw.size()));
        return out;
    }
}
