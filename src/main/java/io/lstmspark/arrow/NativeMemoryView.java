package io.lstmspark.arrow;

import org.tensorflow.ndarray.buffer.ByteDataBuffer;
import org.tensorflow.ndarray.buffer.DoubleDataBuffer;
import org.tensorflow.ndarray.buffer.FloatDataBuffer;
import org.tensorflow.ndarray.impl.buffer.raw.RawDataBufferFactory;

/**
 * Off-heap memory (an Arrow buffer) seen as a TensorFlow ndarray buffer. Copying such a view into a
 * tensor's buffer, or a Java array into such a view, is one raw memory copy; a view made from an NIO
 * buffer would instead fall back to an element-wise copy through the heap.
 *
 * <p>The factory's mapping method is protected, for subclasses: TensorFlow's own tensor buffers are
 * made the same way.
 */
final class NativeMemoryView extends RawDataBufferFactory {

    private NativeMemoryView() {
    }

    static ByteDataBuffer of(long address, long bytes) {
        return mapNativeBytes(address, bytes, true);
    }

    /** Writable view of {@code count} floats at {@code address}: a float[] is written in one copy. */
    static FloatDataBuffer floats(long address, long count) {
        return mapNativeFloats(address, count * Float.BYTES, false);
    }

    /** Writable view of {@code count} doubles at {@code address}. */
    static DoubleDataBuffer doubles(long address, long count) {
        return mapNativeDoubles(address, count * Double.BYTES, false);
    }
}
