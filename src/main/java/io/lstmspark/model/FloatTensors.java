package io.lstmspark.model;

import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;

/** Float tensors to and from {@code double[]}, for the driver's checks of a model (not the batch path). */
public final class FloatTensors {

    private FloatTensors() {
    }

    /** A new tensor of {@code type} holding {@code values} in row-major order; the caller closes it. */
    public static Tensor of(ElementType type, Shape shape, double[] values) {
        return switch (type) {
            case FLOAT32 -> {
                float[] floats = new float[values.length];
                for (int i = 0; i < values.length; i++) {
                    floats[i] = (float) values[i];
                }
                yield TFloat32.tensorOf(shape, DataBuffers.of(floats, true, false));
            }
            case FLOAT64 -> TFloat64.tensorOf(shape, DataBuffers.of(values, true, false));
        };
    }

    /** The values of a float32 or float64 tensor, row-major. */
    public static double[] values(Tensor tensor) {
        double[] values = new double[Math.toIntExact(tensor.shape().size())];
        if (tensor instanceof TFloat64 doubles) {
            doubles.copyTo(DataBuffers.of(values, false, false));
            return values;
        }
        float[] floats = new float[values.length];
        ((TFloat32) tensor).copyTo(DataBuffers.of(floats, false, false));
        for (int i = 0; i < floats.length; i++) {
            values[i] = floats[i];
        }
        return values;
    }
}
