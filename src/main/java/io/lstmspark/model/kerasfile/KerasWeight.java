package io.lstmspark.model.kerasfile;

import java.util.Arrays;

/**
 * One weight array of a layer, as the file stores it.
 *
 * @param name    where it is in the file (dataset path), for messages
 * @param shape   its dimensions
 * @param values  its values in row-major order (float32 values widen exactly)
 * @param float64 whether the file stores it as float64
 */
public record KerasWeight(String name, long[] shape, double[] values, boolean float64) {

    public KerasWeight {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    public String shapeText() {
        return Arrays.toString(shape);
    }

    /** Whether its shape is exactly {@code expected}. */
    public boolean hasShape(long... expected) {
        return Arrays.equals(shape, expected);
    }

    /** The first value that is NaN or infinite, as "NaN at [3, 17]"; null when all are finite. */
    String firstNonFinite() {
        for (int i = 0; i < values.length; i++) {
            if (!Double.isFinite(values[i])) {
                long[] index = new long[shape.length];
                long rest = i;
                for (int d = shape.length - 1; d >= 0; d--) {
                    index[d] = rest % shape[d];
                    rest /= shape[d];
                }
                long count = Arrays.stream(values).filter(v -> !Double.isFinite(v)).count();
                return values[i] + " at " + Arrays.toString(index) + " (" + count + " of " + values.length
                        + " values are not finite)";
            }
        }
        return null;
    }
}
