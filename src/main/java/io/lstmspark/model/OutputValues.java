package io.lstmspark.model;

import java.lang.reflect.Array;
import java.util.Arrays;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;

/**
 * One output of a batch, copied out of its tensor: windows of {@code windowShape} values of one element type,
 * picked once per output (as Spark's ArrowWriter picks a field writer per column). Each call hands out a whole
 * window, chunk or step as the Java value a Spark row takes: a boxed scalar for rank 0, else a nested
 * primitive array, copied row by row with {@link Arrays#copyOfRange} (TensorFlow's StdArrays copies through
 * ndarray views and is slower per row).
 */
public abstract sealed class OutputValues permits OutputValues.Float32, OutputValues.Float64 {

    private final long[] windowShape;
    private final long[] stepShape;
    private final int windowSize;
    private final int stepSize;

    private OutputValues(long[] windowShape) {
        this.windowShape = windowShape.clone();
        this.stepShape = windowShape.length == 0 ? null : Arrays.copyOfRange(windowShape, 1, windowShape.length);
        this.windowSize = size(windowShape);
        this.stepSize = stepShape == null ? 0 : size(stepShape);
    }

    /** The first {@code windows} windows of {@code tensor}, of shape [rows, ...windowShape] with rows >= windows. */
    static OutputValues copyOf(ElementType type, Tensor tensor, int windows, long[] windowShape) {
        int size = Math.toIntExact(tensor.shape().size());
        int kept = Math.multiplyExact(windows, size(windowShape));
        if (kept > size) {
            throw new IllegalStateException("a tensor of shape " + tensor.shape() + " has no " + windows
                    + " windows of " + Arrays.toString(windowShape));
        }
        // The rows past the first windows are the zero windows that filled a model's fixed batch.
        return switch (type) {
            case FLOAT32 -> {
                float[] values = new float[size];
                ((TFloat32) tensor).copyTo(DataBuffers.of(values, false, false));
                yield new Float32(kept == size ? values : Arrays.copyOf(values, kept), windowShape);
            }
            case FLOAT64 -> {
                double[] values = new double[size];
                ((TFloat64) tensor).copyTo(DataBuffers.of(values, false, false));
                yield new Float64(kept == size ? values : Arrays.copyOf(values, kept), windowShape);
            }
        };
    }

    /** Windows of {@code windowShape} values each, from a float[] or double[] holding them window after window. */
    static OutputValues of(Object values, long[] windowShape) {
        return values instanceof float[] floats ? new Float32(floats, windowShape)
                : new Float64((double[]) values, windowShape);
    }

    /** The value at {@code at}, counted over all windows. */
    public abstract double valueAt(int at);

    /** Window {@code window}'s values: a scalar or a nested array of the window's shape. */
    public final Object window(int window) {
        return block(window * windowSize, windowShape);
    }

    /** The first {@code steps} steps of window {@code window}, for outputs whose first dimension is steps. */
    public final Object steps(int window, int steps) {
        long[] shape = windowShape.clone();
        shape[0] = steps;
        return block(window * windowSize, shape);
    }

    /** Step {@code step} of window {@code window}, for outputs whose first dimension is steps. */
    public final Object step(int window, int step) {
        return block(window * windowSize + step * stepSize, stepShape);
    }

    /** The index of the first NaN or infinite value in [from, to), counted over all windows; -1 if none. */
    public abstract int firstNonFinite(int from, int to);

    /** Whether the value at {@code at}, counted over all windows, is NaN. */
    public abstract boolean isNaN(int at);

    /** Every value, window after window: a {@code float[]} or {@code double[]}. */
    public abstract Object array();

    /** The values from {@code offset} as a scalar (rank 0) or nested array of {@code shape}. */
    final Object block(int offset, long[] shape) {
        if (shape.length == 0) {
            return scalar(offset);
        }
        if (shape.length == 1) {
            return vector(offset, Math.toIntExact(shape[0]));
        }
        // An array of blocks one rank lower, typed as theirs: float[][] for rank 2, and so on.
        long[] inner = Arrays.copyOfRange(shape, 1, shape.length);
        int innerSize = size(inner);
        Class<?> innerType = vectorType();
        for (int rank = 2; rank < shape.length; rank++) {
            innerType = innerType.arrayType();
        }
        Object[] blocks = (Object[]) Array.newInstance(innerType, Math.toIntExact(shape[0]));
        for (int i = 0; i < blocks.length; i++) {
            blocks[i] = block(offset + i * innerSize, inner);
        }
        return blocks;
    }

    /** The value at {@code offset}, boxed. */
    abstract Object scalar(int offset);

    /** {@code length} values from {@code offset}, as a float[] or double[]. */
    abstract Object vector(int offset, int length);

    /** The class of {@link #vector}'s arrays. */
    abstract Class<?> vectorType();

    private static int size(long[] shape) {
        return Math.toIntExact(Arrays.stream(shape).reduce(1, Math::multiplyExact));
    }

    static final class Float32 extends OutputValues {
        private final float[] values;

        Float32(float[] values, long[] windowShape) {
            super(windowShape);
            this.values = values;
        }

        @Override
        Object scalar(int offset) {
            return values[offset];
        }

        @Override
        Object vector(int offset, int length) {
            return Arrays.copyOfRange(values, offset, offset + length);
        }

        @Override
        Class<?> vectorType() {
            return float[].class;
        }

        @Override
        public int firstNonFinite(int from, int to) {
            for (int i = from; i < to; i++) {
                if (!Float.isFinite(values[i])) {
                    return i;
                }
            }
            return -1;
        }

        @Override
        public boolean isNaN(int at) {
            return Float.isNaN(values[at]);
        }

        @Override
        public double valueAt(int at) {
            return values[at];
        }

        @Override
        public float[] array() {
            return values;
        }
    }

    static final class Float64 extends OutputValues {
        private final double[] values;

        Float64(double[] values, long[] windowShape) {
            super(windowShape);
            this.values = values;
        }

        @Override
        Object scalar(int offset) {
            return values[offset];
        }

        @Override
        Object vector(int offset, int length) {
            return Arrays.copyOfRange(values, offset, offset + length);
        }

        @Override
        Class<?> vectorType() {
            return double[].class;
        }

        @Override
        public int firstNonFinite(int from, int to) {
            for (int i = from; i < to; i++) {
                if (!Double.isFinite(values[i])) {
                    return i;
                }
            }
            return -1;
        }

        @Override
        public boolean isNaN(int at) {
            return Double.isNaN(values[at]);
        }

        @Override
        public double valueAt(int at) {
            return values[at];
        }

        @Override
        public double[] array() {
            return values;
        }
    }
}
