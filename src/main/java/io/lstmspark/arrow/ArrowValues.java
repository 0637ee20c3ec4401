package io.lstmspark.arrow;

import io.lstmspark.model.ElementType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.util.MemoryUtil;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataStorageVisitor;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;

/**
 * A batch's value buffer as values of one element type, picked once per batch (as Spark's ArrowWriter picks
 * a field writer per column): each call copies a whole window in or the whole batch out, so no per-value
 * loop has a type branch.
 */
abstract sealed class ArrowValues permits ArrowValues.Float32, ArrowValues.Float64 {

    final ArrowBuf buffer;
    /** One window's bytes, staged for a bulk copy into the Arrow buffer. */
    private final ByteBuffer staged;

    private ArrowValues(ArrowBuf buffer, ByteBuffer staged) {
        this.buffer = buffer;
        this.staged = staged;
    }

    /** The Arrow leaf type that holds values of {@code type}. */
    static ArrowType.FloatingPoint arrowType(ElementType type) {
        return new ArrowType.FloatingPoint(switch (type) {
            case FLOAT32 -> FloatingPointPrecision.SINGLE;
            case FLOAT64 -> FloatingPointPrecision.DOUBLE;
        });
    }

    /** {@code buffer} as slots of {@code windowSize} values of {@code type}. */
    static ArrowValues over(ElementType type, ArrowBuf buffer, int windowSize) {
        // Direct, so that staging and the copy into Arrow are each one memory copy; Arrow and TensorFlow both
        // lay values out in the machine's byte order.
        ByteBuffer staged = ByteBuffer.allocateDirect(Math.multiplyExact(windowSize, type.bytes()))
                .order(ByteOrder.nativeOrder());
        return switch (type) {
            case FLOAT32 -> new Float32(buffer, staged);
            case FLOAT64 -> new Float64(buffer, staged);
        };
    }

    /** Writes one window's values, row-major, into slot {@code slot}: one bounds-checked copy. */
    final void write(int slot, double[] window) {
        stage(window);
        buffer.setBytes((long) slot * staged.capacity(), staged.rewind());
    }

    /** Puts the window's values into {@link #staged} as this element type. */
    abstract void stage(double[] window);

    /** The value at {@code at}, counted over all slots. */
    abstract double get(long at);

    /** A new tensor of this element type, filled by one copy of the buffer's first {@code bytes}. */
    final Tensor toTensor(Shape shape, long bytes) {
        Tensor tensor = newTensor(shape);
        try {
            MemoryUtil.copyMemory(buffer.memoryAddress(), address(tensor, bytes), bytes);
            return tensor;
        } catch (RuntimeException e) {
            tensor.close();
            throw e;
        }
    }

    abstract Tensor newTensor(Shape shape);

    /** The native address of the tensor's memory, which must hold at least {@code bytes}. */
    private static long address(Tensor tensor, long bytes) {
        return tensor.asRawTensor().data().accept(new DataStorageVisitor<Long>() {
            @Override
            public Long visit(long address, long length, long scale) {
                if (length < bytes) {
                    throw new IllegalStateException("a tensor of " + length + " bytes cannot take " + bytes);
                }
                return address;
            }

            @Override
            public Long fallback() {
                throw new IllegalStateException("the tensor's memory is not native memory");
            }
        });
    }

    static final class Float32 extends ArrowValues {
        private final FloatBuffer stagedFloats;
        private final float[] floats;

        private Float32(ArrowBuf buffer, ByteBuffer staged) {
            super(buffer, staged);
            this.stagedFloats = staged.asFloatBuffer();
            this.floats = new float[stagedFloats.capacity()];
        }

        @Override
        void stage(double[] window) {
            for (int i = 0; i < floats.length; i++) {
                floats[i] = (float) window[i];
            }
            stagedFloats.put(0, floats);
        }

        @Override
        double get(long at) {
            return buffer.getFloat(at * Float.BYTES);
        }

        @Override
        Tensor newTensor(Shape shape) {
            return TFloat32.tensorOf(shape);
        }
    }

    static final class Float64 extends ArrowValues {
        private final DoubleBuffer stagedDoubles;

        private Float64(ArrowBuf buffer, ByteBuffer staged) {
            super(buffer, staged);
            this.stagedDoubles = staged.asDoubleBuffer();
        }

        @Override
        void stage(double[] window) {
            stagedDoubles.put(0, window, 0, stagedDoubles.capacity());
        }

        @Override
        double get(long at) {
            return buffer.getDouble(at * Double.BYTES);
        }

        @Override
        Tensor newTensor(Shape shape) {
            return TFloat64.tensorOf(shape);
        }
    }
}
