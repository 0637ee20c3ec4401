package io.lstmspark.sample;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Split;
import org.tensorflow.op.core.Unstack;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Builds a one-layer LSTM with a Dense(1) head as a TensorFlow graph (unrolled over the window),
 * and saves it as a SavedModel with variables or as a frozen GraphDef.
 *
 * <p>Signature {@code serving_default}: input {@code sequences} float32 [?, length, features];
 * outputs {@code forecast} [?, 1], {@code output_sequence} and {@code cell_sequence} [?, length, units]
 * (h and c after every step), {@code hidden_state} and {@code cell_state} [?, units]. Every step's
 * states are named graph tensors too ({@code lstm/step_K/h:0}, {@code lstm/step_K/c:0}), as in
 * TF1-era graphs.
 */
public final class SampleModel {

    public static final String INPUT = "sequences";
    public static final String FORECAST = "forecast";
    public static final String OUTPUT_SEQUENCE = "output_sequence";
    public static final String HIDDEN_STATE = "hidden_state";
    public static final String CELL_STATE = "cell_state";
    public static final String CELL_SEQUENCE = "cell_sequence";
    public static final String INITIAL_H = "initial_h";
    public static final String INITIAL_C = "initial_c";
    /** The batch dimension of a model that takes batches of any size. */
    private static final int ANY_BATCH = -1;

    private SampleModel() {
    }

    /** The graph's ends, for signatures; the initial-state placeholders only in a stateful model. */
    private record Ends(Placeholder<TFloat32> input, Placeholder<TFloat32> initialH, Placeholder<TFloat32> initialC,
                        Operand<TFloat32> forecast, Operand<TFloat32> outputSequence, Operand<TFloat32> cellSequence,
                        Operand<TFloat32> hiddenState, Operand<TFloat32> cellState) {
        Signature signature(String key) {
            Signature.Builder signature = Signature.builder().key(key).input(INPUT, input);
            if (initialH != null) {
                signature.input(INITIAL_H, initialH).input(INITIAL_C, initialC);
            }
            return signature
                    .output(FORECAST, forecast)
                    .output(OUTPUT_SEQUENCE, outputSequence)
                    .output(CELL_SEQUENCE, cellSequence)
                    .output(HIDDEN_STATE, hiddenState)
                    .output(CELL_STATE, cellState)
                    .build();
        }
    }

    /** Saves the model as a SavedModel (tag {@code serve}) whose weights are variables. */
    public static void exportSavedModel(LstmWeights weights, int length, Path directory) {
        export(weights, length, ANY_BATCH, directory, false);
    }

    /**
     * Saves a model that also takes its initial state, inputs {@code initial_h} and {@code initial_c}
     * [?, units], as models built for streaming do: its final states continue the series.
     */
    public static void exportStatefulSavedModel(LstmWeights weights, int length, Path directory) {
        exportStatefulSavedModel(weights, length, ANY_BATCH, directory);
    }

    /**
     * As {@link #exportStatefulSavedModel(LstmWeights, int, Path)} with every input declared for a
     * fixed batch of {@code batch} windows, as models exported for a fixed batch size are.
     */
    public static void exportStatefulSavedModel(LstmWeights weights, int length, int batch, Path directory) {
        export(weights, length, batch, directory, true);
    }

    private static void export(LstmWeights weights, int length, int batch, Path directory, boolean stateInputs) {
        try (Graph graph = new Graph(); Session session = new Session(graph)) {
            Ends ends = build(Ops.create(graph), weights, length, batch, true, stateInputs);
            session.initialize();
            SavedModelBundle.exporter(directory.toString())
                    .withFunction(session.function(ends.signature(Signature.DEFAULT_KEY)))
                    .export();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot export the SavedModel to " + directory, e);
        }
    }

    /** Saves the model as a frozen GraphDef: weights as constants, no signatures. */
    public static void exportFrozenGraph(LstmWeights weights, int length, Path file) {
        try (Graph graph = new Graph()) {
            build(Ops.create(graph), weights, length, ANY_BATCH, false, false);
            Files.write(file, graph.toGraphDef().toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the frozen graph to " + file, e);
        }
    }

    private static Ends build(Ops tf, LstmWeights w, int length, int batch, boolean variables, boolean stateInputs) {
        int features = w.features();
        int units = w.units();
        Placeholder<TFloat32> input = tf.withName(INPUT).placeholder(TFloat32.class,
                Placeholder.shape(Shape.of(batch, length, features)));
        Ops lstm = tf.withSubScope("lstm");
        Operand<TFloat32> kernel = weight(lstm, "kernel", w.kernel(), features, 4 * units, variables);
        Operand<TFloat32> recurrent = weight(lstm, "recurrent_kernel", w.recurrentKernel(), units, 4 * units,
                variables);
        Operand<TFloat32> bias = weight(lstm, "bias", w.bias(), 1, 4 * units, variables);
        Ops dense = tf.withSubScope("dense");
        Operand<TFloat32> denseKernel = weight(dense, "kernel", w.denseKernel(), units, 1, variables);
        Operand<TFloat32> denseBias = weight(dense, "bias", w.denseBias(), 1, 1, variables);

        Placeholder<TFloat32> initialH = null;
        Placeholder<TFloat32> initialC = null;
        Operand<TFloat32> h;
        Operand<TFloat32> c;
        if (stateInputs) {
            initialH = tf.withName(INITIAL_H).placeholder(TFloat32.class, Placeholder.shape(Shape.of(batch, units)));
            initialC = tf.withName(INITIAL_C).placeholder(TFloat32.class, Placeholder.shape(Shape.of(batch, units)));
            h = initialH;
            c = initialC;
        } else {
            // Zero initial state [batch, units], the batch size taken from the input.
            Operand<TInt32> windows = tf.gather(tf.shape(input), tf.constant(0), tf.constant(0));
            h = tf.withName("zero_state").zeros(tf.stack(List.of(windows, tf.constant(units))), TFloat32.class);
            c = h;
        }
        // x W + b for every step in one matmul; the recurrence then adds h U step by step.
        Operand<TFloat32> projected = tf.reshape(
                tf.math.add(tf.linalg.matMul(tf.reshape(input, tf.constant(new int[] {-1, features})), kernel), bias),
                tf.constant(new int[] {-1, length, 4 * units}));
        List<Output<TFloat32>> steps = tf.unstack(projected, (long) length, Unstack.axis(1L)).output();
        List<Operand<TFloat32>> hiddenStates = new ArrayList<>();
        List<Operand<TFloat32>> cellStates = new ArrayList<>();
        for (int t = 0; t < length; t++) {
            Ops step = lstm.withSubScope("step_" + t);
            Operand<TFloat32> z = step.math.add(steps.get(t), step.linalg.matMul(h, recurrent));
            Split<TFloat32> gates = step.split(step.constant(1), z, 4L);
            Operand<TFloat32> i = step.math.sigmoid(gates.output().get(0));
            Operand<TFloat32> f = step.math.sigmoid(gates.output().get(1));
            Operand<TFloat32> g = step.math.tanh(gates.output().get(2));
            Operand<TFloat32> o = step.math.sigmoid(gates.output().get(3));
            c = step.withName("c").math.add(step.math.mul(f, c), step.math.mul(i, g));
            h = step.withName("h").math.mul(o, step.math.tanh(c));
            hiddenStates.add(h);
            cellStates.add(c);
        }
        Operand<TFloat32> outputSequence = tf.withName(OUTPUT_SEQUENCE).stack(hiddenStates,
                org.tensorflow.op.core.Stack.axis(1L));
        Operand<TFloat32> cellSequence = tf.withName(CELL_SEQUENCE).stack(cellStates,
                org.tensorflow.op.core.Stack.axis(1L));
        Operand<TFloat32> hiddenState = tf.withName(HIDDEN_STATE).identity(h);
        Operand<TFloat32> cellState = tf.withName(CELL_STATE).identity(c);
        Operand<TFloat32> forecast = tf.withName(FORECAST).math.add(tf.linalg.matMul(h, denseKernel), denseBias);
        return new Ends(input, initialH, initialC, forecast, outputSequence, cellSequence, hiddenState, cellState);
    }

    private static Operand<TFloat32> weight(Ops scope, String name, float[] values, int rows, int columns,
                                            boolean variable) {
        float[][] matrix = new float[rows][columns];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(values, r * columns, matrix[r], 0, columns);
        }
        Operand<TFloat32> constant = scope.constant(StdArrays.ndCopyOf(matrix));
        return variable ? scope.withName(name).variable(constant) : scope.withName(name).identity(constant);
    }
}
