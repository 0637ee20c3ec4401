package io.lstmspark.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.lstmspark.testing.LstmOracle;
import io.lstmspark.testing.Tolerance;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The LSTM step lstm-spark builds gives the states of the Keras equations (the plain-Java oracle) at every
 * step, from nonzero initial states: for sigmoid and tanh in the tanh form and by lstm-spark's kernel, and
 * with any other pair of activations, with and without a bias.
 */
class LstmStepTest {

    private static final int FEATURES = 3;
    private static final int UNITS = 5;
    private static final int STEPS = 6;
    private static final int BATCH = 4;

    @Test
    void theTanhFormGivesTheStatesOfSigmoidGatesAndATanhCell() {
        float[] bias = random(4 * UNITS, 11);
        assertStatesMatchTheOracle(bias, LstmOracle.TANH, LstmOracle.SIGMOID,
                (tf, w) -> LstmStep.tanhForm(tf, w.kernel, w.recurrentKernel, w.bias, w.batch, UNITS));
    }

    @Test
    void theTanhFormWithoutABiasGivesTheOraclesStates() {
        assertStatesMatchTheOracle(null, LstmOracle.TANH, LstmOracle.SIGMOID,
                (tf, w) -> LstmStep.tanhForm(tf, w.kernel, w.recurrentKernel, w.bias, w.batch, UNITS));
    }

    @Test
    void theNativeKernelGivesTheStatesOfSigmoidGatesAndATanhCell() {
        assumeTrue(NativeGates.available(), "the build made no " + NativeGates.OP + " for this platform");
        float[] bias = random(4 * UNITS, 13);
        assertStatesMatchTheOracle(bias, LstmOracle.TANH, LstmOracle.SIGMOID,
                (tf, w) -> LstmStep.nativeKernel(tf, w.kernel, w.recurrentKernel, w.bias, w.batch));
        assertStatesMatchTheOracle(null, LstmOracle.TANH, LstmOracle.SIGMOID,
                (tf, w) -> LstmStep.nativeKernel(tf, w.kernel, w.recurrentKernel, w.bias, w.batch));
    }

    @Test
    void theNativeKernelSaturatesAsTheEquationsDo() {
        assumeTrue(NativeGates.available(), "the build made no " + NativeGates.OP + " for this platform");
        float[] bias = random(4 * UNITS, 14);
        for (int i = 0; i < bias.length; i++) {
            bias[i] *= 40;
        }
        assertStatesMatchTheOracle(bias, LstmOracle.TANH, LstmOracle.SIGMOID,
                (tf, w) -> LstmStep.nativeKernel(tf, w.kernel, w.recurrentKernel, w.bias, w.batch));
    }

    @Test
    void sigmoidAndTanhTakeTheNativeKernelUnlessSwitchedOff() {
        assumeTrue(NativeGates.available(), "the build made no " + NativeGates.OP + " for this platform");
        assertEquals(Set.of(NativeGates.OP), gateOps());
        System.setProperty(NativeGates.SWITCH, "false");
        try {
            assertEquals(Set.of("Tanh"), gateOps());
        } finally {
            System.clearProperty(NativeGates.SWITCH);
        }
    }

    /** The types of the gate ops in one step built by {@link LstmStep#sigmoidTanh}. */
    private static Set<String> gateOps() {
        try (Graph graph = new Graph()) {
            Ops tf = Ops.create(graph);
            LstmStep<TFloat32> cell = LstmStep.sigmoidTanh(tf, tf.zeros(tf.constant(new int[] {FEATURES, 4 * UNITS}),
                    TFloat32.class), tf.zeros(tf.constant(new int[] {UNITS, 4 * UNITS}), TFloat32.class), null,
                    tf.constant(new int[] {BATCH}), UNITS);
            Operand<TFloat32> states = tf.zeros(tf.constant(new int[] {UNITS, BATCH}), TFloat32.class);
            cell.next(tf.zeros(tf.constant(new int[] {FEATURES, BATCH}), TFloat32.class), cell.start(states, states));
            Set<String> types = new TreeSet<>();
            graph.operations().forEachRemaining(op -> types.add(op.type()));
            types.retainAll(Set.of(NativeGates.OP, "Tanh", "Sigmoid"));
            return types;
        }
    }

    @Test
    void otherActivationsGiveTheOraclesStates() {
        float[] bias = random(4 * UNITS, 12);
        assertStatesMatchTheOracle(bias, LstmOracle.RELU, LstmOracle.TANH,
                (tf, w) -> LstmStep.of(tf, w.kernel, w.recurrentKernel, w.bias, w.batch, tf.math::tanh, tf.nn::relu));
    }

    /** The weights as graph operands, and the batch size for the row of ones. */
    private record Weights(Operand<TFloat32> kernel, Operand<TFloat32> recurrentKernel, Operand<TFloat32> bias,
                           Operand<TInt32> batch) {
    }

    private static void assertStatesMatchTheOracle(float[] bias, DoubleUnaryOperator activation,
                                                   DoubleUnaryOperator recurrentActivation,
                                                   BiFunction<Ops, Weights, LstmStep<TFloat32>> step) {
        float[] kernel = random(FEATURES * 4 * UNITS, 1);
        float[] recurrent = random(UNITS * 4 * UNITS, 2);
        float[] x = random(BATCH * STEPS * FEATURES, 3);
        float[] h0 = random(BATCH * UNITS, 4);
        float[] c0 = random(BATCH * UNITS, 5);
        List<String> hs = new ArrayList<>();
        List<String> cs = new ArrayList<>();
        try (Graph graph = new Graph()) {
            Ops tf = Ops.create(graph);
            Weights weights = new Weights(tf.constant(Shape.of(FEATURES, 4 * UNITS), DataBuffers.of(kernel)),
                    tf.constant(Shape.of(UNITS, 4 * UNITS), DataBuffers.of(recurrent)),
                    bias == null ? null : tf.constant(Shape.of(4 * UNITS), DataBuffers.of(bias)),
                    tf.constant(new int[] {BATCH}));
            LstmStep<TFloat32> cell = step.apply(tf, weights);
            // Feature-major, as the step takes them: [features, batch].
            Operand<TFloat32> xs = tf.linalg.transpose(tf.constant(Shape.of(BATCH, STEPS, FEATURES),
                    DataBuffers.of(x)), tf.constant(new int[] {1, 2, 0}));
            LstmStep.State<TFloat32> state = cell.start(featureMajor(tf, h0), featureMajor(tf, c0));
            for (int t = 0; t < STEPS; t++) {
                state = cell.next(tf.gather(xs, tf.constant(t), tf.constant(0)), state);
                hs.add(tf.linalg.transpose(state.h(), tf.constant(new int[] {1, 0})).op().name());
                cs.add(tf.linalg.transpose(state.c(), tf.constant(new int[] {1, 0})).op().name());
            }
            try (Session session = new Session(graph)) {
                Session.Runner runner = session.runner();
                hs.forEach(runner::fetch);
                cs.forEach(runner::fetch);
                try (Result result = runner.run()) {
                    LstmOracle.Layer layer = new LstmOracle.Layer(LstmOracle.matrix(kernel, FEATURES, 4 * UNITS),
                            LstmOracle.matrix(recurrent, UNITS, 4 * UNITS),
                            bias == null ? new double[4 * UNITS] : LstmOracle.toDouble(bias), activation,
                            recurrentActivation);
                    for (int b = 0; b < BATCH; b++) {
                        LstmOracle.States expected = LstmOracle.run(layer, window(x, b), row(h0, b), row(c0, b));
                        for (int t = 0; t < STEPS; t++) {
                            Tolerance.assertAllClose(expected.h()[t], row((TFloat32) result.get(t), b), 1e-5,
                                    "h of window " + b + " after step " + t);
                            Tolerance.assertAllClose(expected.c()[t], row((TFloat32) result.get(STEPS + t), b),
                                    1e-5, "c of window " + b + " after step " + t);
                        }
                    }
                }
            }
        }
    }

    private static Operand<TFloat32> featureMajor(Ops tf, float[] batchMajor) {
        return tf.linalg.transpose(tf.constant(Shape.of(BATCH, UNITS), DataBuffers.of(batchMajor)),
                tf.constant(new int[] {1, 0}));
    }

    private static float[] random(int size, long seed) {
        Random random = new Random(seed);
        float[] values = new float[size];
        for (int i = 0; i < size; i++) {
            values[i] = (float) random.nextGaussian() * 0.6f;
        }
        return values;
    }

    private static double[][] window(float[] x, int b) {
        double[][] steps = new double[STEPS][FEATURES];
        for (int t = 0; t < STEPS; t++) {
            for (int f = 0; f < FEATURES; f++) {
                steps[t][f] = x[(b * STEPS + t) * FEATURES + f];
            }
        }
        return steps;
    }

    private static double[] row(float[] batchMajor, int b) {
        double[] values = new double[UNITS];
        for (int u = 0; u < UNITS; u++) {
            values[u] = batchMajor[b * UNITS + u];
        }
        return values;
    }

    private static float[] row(TFloat32 batchMajor, int b) {
        float[] values = new float[UNITS];
        for (int u = 0; u < UNITS; u++) {
            values[u] = batchMajor.getFloat(b, u);
        }
        return values;
    }
}
