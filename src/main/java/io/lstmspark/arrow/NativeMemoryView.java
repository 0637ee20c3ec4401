package io.lstmspark.arrow;

import org.tensorflow.ndarray.buffer.ByteDataBuffer;
import org.tensorflow.ndarray.impl.buffer.raw.RawDataBufferFactory;

/**
 * Off-heap memory (an Arrow buffer) seen as a TensorFlow ndarray buffer. Copying such a view into a
 * tensor's buffer is one raw memory copy; a view made from an NIO buffer would instead fall back to
 * an element-wise copy through the heap.
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
}
