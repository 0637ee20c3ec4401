package io.lstmspark.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;

/** Each window's slice of a batch output, as the Java value a Spark row takes. */
class OutputValuesTest {

    private static float[] counting(int n) {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            values[i] = i;
        }
        return values;
    }

    @Test
    void rankZeroWindowIsABoxedScalar() {
        OutputValues values = new OutputValues.Float32(counting(16), new long[0]);
        assertEquals(5f, values.window(5));
    }

    @Test
    void rankOneWindowIsTheWindowsVector() {
        OutputValues values = new OutputValues.Float32(counting(15), new long[] {3});
        assertArrayEquals(new float[] {3, 4, 5}, (float[]) values.window(1));
    }

    @Test
    void rankTwoWindowKeepsRowsAndColumns() {
        float[][] m = (float[][]) new OutputValues.Float32(counting(18), new long[] {2, 3}).window(1);
        assertArrayEquals(new float[] {6, 7, 8}, m[0]);
        assertArrayEquals(new float[] {9, 10, 11}, m[1]);
    }

    @Test
    void rankThreeFloat64WindowNestsInTheTensorsOrder() {
        double[] flat = new double[16];
        for (int i = 0; i < flat.length; i++) {
            flat[i] = i;
        }
        double[][][] t = (double[][][]) new OutputValues.Float64(flat, new long[] {2, 2, 2}).window(1);
        assertArrayEquals(new double[] {14, 15}, t[1][1]);
        assertArrayEquals(new double[] {10, 11}, t[0][1]);
    }

    @Test
    void stepsAreTheFirstStepsOfTheWindow() {
        // 2 windows of 3 steps x 2 values: a short chunk's real steps come first.
        float[][] steps = (float[][]) new OutputValues.Float32(counting(12), new long[] {3, 2}).steps(1, 2);
        assertEquals(2, steps.length);
        assertArrayEquals(new float[] {6, 7}, steps[0]);
        assertArrayEquals(new float[] {8, 9}, steps[1]);
    }

    @Test
    void stepIsOneStepOfTheWindowOneRankLower() {
        OutputValues values = new OutputValues.Float32(counting(12), new long[] {3, 2});
        assertArrayEquals(new float[] {10, 11}, (float[]) values.step(1, 2));
        assertEquals(4f, new OutputValues.Float32(counting(6), new long[] {3}).step(1, 1));
    }

    @Test
    void deepWindowsNestToAnyRank() {
        // Per-window rank 7, one rank beyond what TensorFlow's StdArrays makes.
        OutputValues values = new OutputValues.Float32(counting(256), new long[] {2, 2, 2, 2, 2, 2, 2});
        float[][][][][][][] window = (float[][][][][][][]) values.window(1);
        assertArrayEquals(new float[] {254, 255}, window[1][1][1][1][1][1]);
        assertArrayEquals(new float[] {128, 129}, window[0][0][0][0][0][0]);
    }

    @Test
    void noStepsAreAnEmptyArrayOfTheStepsType() {
        float[][] none = (float[][]) new OutputValues.Float32(new float[0], new long[] {0, 3}).steps(0, 0);
        assertEquals(0, none.length);
    }

    @Test
    void copyOfKeepsTheFirstWindowsOfAFixedBatchTensor() {
        // A model with a fixed batch of 3 ran on 2 windows: the third row is padding.
        float[] rows = {1, 2, 3, 4, 5, 6};
        try (Tensor tensor = TFloat32.tensorOf(Shape.of(3, 2), DataBuffers.of(rows, true, false))) {
            OutputValues values = OutputValues.copyOf(ElementType.FLOAT32, tensor, 2, new long[] {2});
            assertArrayEquals(new float[] {1, 2, 3, 4}, (float[]) values.array());
            assertArrayEquals(new float[] {3, 4}, (float[]) values.window(1));
        }
        double[] doubles = {0.1, 0.2};
        try (Tensor tensor = TFloat64.tensorOf(Shape.of(2), DataBuffers.of(doubles, true, false))) {
            assertEquals(0.2, OutputValues.copyOf(ElementType.FLOAT64, tensor, 2, new long[0]).window(1));
            assertThrows(IllegalStateException.class,
                    () -> OutputValues.copyOf(ElementType.FLOAT64, tensor, 3, new long[0]));
        }
    }

    @Test
    void firstNonFiniteFindsNaNAndInfinityWithinTheRange() {
        double[] flat = {1, Double.POSITIVE_INFINITY, 2, Double.NaN};
        OutputValues values = new OutputValues.Float64(flat, new long[0]);
        assertEquals(1, values.firstNonFinite(0, 4));
        assertEquals(3, values.firstNonFinite(2, 4));
        assertEquals(-1, values.firstNonFinite(2, 3));
        assertTrue(values.isNaN(3));
        assertFalse(values.isNaN(1));
        float[] floats = {1, Float.NaN};
        assertEquals(1, new OutputValues.Float32(floats, new long[0]).firstNonFinite(0, 2));
    }
}
