package io.lstmspark.model.keras;

import io.lstmspark.model.LstmStep;
import io.lstmspark.model.ModelException;
import io.lstmspark.model.TensorRef;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Unstack;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TFloating;

/**
 * Builds the ops of {@link StateTaps} in a model's graph: per layer, the Keras LSTM step unrolled over
 * the window (z = x W + h U + b; gates i, f, g, o; c' = f c + i act(g); h' = o act(c')), states stacked
 * into sequences; then the head, if the taps have one.
 */
final class TapGraph {

    private TapGraph() {
    }

    static void build(Graph graph, StateTaps taps) {
        GraphOperation firstKernel = variableOp(graph, taps.layers().get(0).kernelOp());
        DataType dtype = firstKernel.attributes().getAttrType("dtype");
        if (dtype == DataType.DT_FLOAT) {
            build(graph, taps, TFloat32.class);
        } else if (dtype == DataType.DT_DOUBLE) {
            build(graph, taps, TFloat64.class);
        } else {
            throw new ModelException("LSTM layer '" + taps.layers().get(0).name() + "' has " + dtype
                    + " weights; state taps compute float32 or float64 layers");
        }
    }

    private static <T extends TFloating> void build(Graph graph, StateTaps taps, Class<T> type) {
        Ops tf = Ops.create(graph).withSubScope(taps.scope());
        Operand<?> fed = graph.outputOrThrow(taps.inputTensor());
        Operand<T> windows = tf.reshape(tf.dtypes.cast(fed, type),
                tf.constant(new int[] {-1, taps.length(), taps.features()}));
        Operand<TInt32> batch = tf.slice(tf.shape(windows), tf.constant(new int[] {0}), tf.constant(new int[] {1}));
        // Steps feature-major, [features, batch]: see layer().
        List<Operand<T>> steps = unstack(tf, tf.linalg.transpose(windows, tf.constant(new int[] {1, 2, 0})),
                taps.length(), 0);
        for (StateTaps.TapLayer layer : taps.layers()) {
            steps = layer(tf.withSubScope("layer_" + layer.position()), graph, layer, steps, batch, type);
        }
        if (taps.head().present()) {
            StateTaps.TapLayer last = taps.layers().get(taps.layers().size() - 1);
            @SuppressWarnings("unchecked")
            Operand<T> lastHidden = (Operand<T>) graph.outputOrThrow(taps.tensor(last, TensorRef.LstmState.Part.H));
            head(tf.withSubScope("head"), graph, lastHidden, taps.head().steps(), type);
        }
        for (StateTaps.TapLayer layer : taps.layers()) {
            for (TensorRef.LstmState.Part part : TensorRef.LstmState.Part.values()) {
                String name = taps.tensor(layer, part);
                if (graph.operation(name.substring(0, name.lastIndexOf(':'))) == null) {
                    throw new IllegalStateException("state tap op " + name
                            + " was not created under its expected name");
                }
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static <T extends TFloating> List<Operand<T>> unstack(Ops tf, Operand<T> x, int count, long axis) {
        return tf.unstack(x, (long) count, Unstack.axis(axis)).output().stream().map(o -> (Operand<T>) o).toList();
    }

    /**
     * One layer over its input steps [features, batch]; returns its hidden state at every step
     * [units, batch]. States are kept feature-major ({@link LstmStep}); only the fetched sequences and
     * final states are transposed back.
     */
    private static <T extends TFloating> List<Operand<T>> layer(Ops tf, Graph graph, StateTaps.TapLayer layer,
                                                                List<Operand<T>> steps, Operand<TInt32> batch,
                                                                Class<T> type) {
        int units = layer.units();
        Operand<T> bias = layer.biasOp().isEmpty() ? null
                : tf.readVariableOp(variableOp(graph, layer.biasOp()).output(0), type);
        Operand<T> kernel = tf.readVariableOp(variableOp(graph, layer.kernelOp()).output(0), type);
        Operand<T> recurrentKernel = tf.readVariableOp(variableOp(graph, layer.recurrentKernelOp()).output(0), type);
        LstmStep<T> cell = layer.recurrentActivation() == Activation.SIGMOID && layer.activation() == Activation.TANH
                ? LstmStep.sigmoidTanh(tf, kernel, recurrentKernel, bias, batch, units)
                : LstmStep.of(tf, kernel, recurrentKernel, bias, batch, x -> apply(tf, layer.recurrentActivation(), x),
                x -> apply(tf, layer.activation(), x));

        Operand<T> zeros = tf.fill(tf.concat(List.of(batch, tf.constant(new int[] {units})), tf.constant(0)),
                tf.dtypes.cast(tf.constant(0f), type));
        LstmStep.State<T> state = cell.start(
                featureMajor(tf, tf.withName("h0").placeholderWithDefault(zeros, Shape.of(-1, units))),
                featureMajor(tf, tf.withName("c0").placeholderWithDefault(zeros, Shape.of(-1, units))));
        List<Operand<T>> hs = new ArrayList<>();
        List<Operand<T>> cs = new ArrayList<>();
        for (Operand<T> step : steps) {
            state = cell.next(step, state);
            hs.add(state.h());
            cs.add(state.c());
        }
        tf.withName("sequence").linalg.transpose(tf.stack(hs), tf.constant(new int[] {2, 0, 1}));
        tf.withName("cell_sequence").linalg.transpose(tf.stack(cs), tf.constant(new int[] {2, 0, 1}));
        tf.withName("h").linalg.transpose(state.h(), tf.constant(new int[] {1, 0}));
        tf.withName("c").linalg.transpose(state.c(), tf.constant(new int[] {1, 0}));
        return hs;
    }

    /** [batch, units] to [units, batch]. */
    private static <T extends TFloating> Operand<T> featureMajor(Ops tf, Operand<T> batchMajor) {
        return tf.linalg.transpose(batchMajor, tf.constant(new int[] {1, 0}));
    }

    /** The head on the last hidden state: Dense layers' matmul and bias, each layer's activation. */
    private static <T extends TFloating> void head(Ops tf, Graph graph, Operand<T> h, List<StateTaps.HeadStep> steps,
                                                   Class<T> type) {
        Operand<T> y = h;
        for (StateTaps.HeadStep step : steps) {
            if (step.kind() == HeadLayer.Kind.DENSE) {
                y = tf.linalg.matMul(y, tf.readVariableOp(variableOp(graph, step.kernelOp()).output(0), type));
                if (!step.biasOp().isEmpty()) {
                    y = tf.math.add(y, tf.readVariableOp(variableOp(graph, step.biasOp()).output(0), type));
                }
            }
            y = apply(tf, step.activation(), y);
        }
        tf.withName("output").identity(y);
    }

    static <T extends TFloating> Operand<T> apply(Ops tf, Activation activation, Operand<T> x) {
        return switch (activation) {
            case TANH -> tf.math.tanh(x);
            case SIGMOID -> tf.math.sigmoid(x);
            case RELU -> tf.nn.relu(x);
            case LINEAR -> x;
        };
    }

    static GraphOperation variableOp(Graph graph, String name) {
        GraphOperation op = graph.operation(name);
        if (op == null || !op.type().equals("VarHandleOp")) {
            throw new ModelException("the model's graph has no variable op '" + name + "' (found "
                    + (op == null ? "nothing" : op.type()) + "): the SavedModel does not match its object graph");
        }
        return op;
    }
}
