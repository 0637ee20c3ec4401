package io.lstmspark.arrow;

import io.lstmspark.model.BatchOutputs;
import io.lstmspark.model.BatchRunner;
import io.lstmspark.model.ElementType;
import io.lstmspark.model.LoadedModel;
import io.lstmspark.model.ModelCall;
import io.lstmspark.series.Window;
import java.util.Arrays;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BitVectorHelper;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;

/**
 * A batch of windows held as Arrow vectors: fixed-size list (steps) of fixed-size list (features)
 * of floats. The leaf vector's data buffer is laid out exactly as a [batch, length, features]
 * row-major tensor, so the model input is made with a single copy.
 *
 * <p>The vectors are allocated once at full capacity and reused for every batch of a task; the
 * window keys (series id, first and last timestamp) stay on the heap beside them.
 */
public final class WindowBatch implements AutoCloseable {

    private final ElementType type;
    private final int capacity;
    private final int length;
    private final int features;
    private final FixedSizeListVector windows;
    private final FixedSizeListVector steps;
    private final FieldVector values;
    private final ArrowValues slots;
    private final Object[] seriesIds;
    private final Object[] starts;
    private final Object[] ends;
    private final double[] windowValues;
    private int size;

    private WindowBatch(BufferAllocator allocator, ElementType type, int capacity, int length, int features) {
        this.type = type;
        this.capacity = capacity;
        this.length = length;
        this.features = features;
        this.windows = new FixedSizeListVector("windows", allocator,
                FieldType.notNullable(new ArrowType.FixedSizeList(length)), null);
        try {
            windows.addOrGetVector(FieldType.notNullable(new ArrowType.FixedSizeList(features)));
            this.steps = (FixedSizeListVector) windows.getDataVector();
            steps.addOrGetVector(FieldType.notNullable(ArrowValues.arrowType(type)));
            this.values = steps.getDataVector();
            windows.setInitialCapacity(capacity);
            windows.allocateNew();
            // Windows, steps and values are never null: mark every slot valid once, not per value.
            markAllValid(windows, capacity);
            markAllValid(steps, capacity * length);
            markAllValid(values, capacity * length * features);
            this.slots = ArrowValues.over(type, values.getDataBuffer(), length * features);
        } catch (RuntimeException e) {
            windows.close();
            throw e;
        }
        this.seriesIds = new Object[capacity];
        this.starts = new Object[capacity];
        this.ends = new Object[capacity];
        this.windowValues = new double[length * features];
    }

    /** Allocates a batch of {@code capacity} windows of [length, features] values from the allocator. */
    public static WindowBatch allocate(BufferAllocator allocator, ElementType type, int capacity,
                                       int length, int features) {
        if (capacity < 1) {
            throw new IllegalArgumentException("batch capacity must be at least 1, got " + capacity);
        }
        return new WindowBatch(allocator, type, capacity, length, features);
    }

    /** Bytes one window takes in the batch's value buffer. */
    public static long bytesPerWindow(ElementType type, int length, int features) {
        return (long) length * features * type.bytes();
    }

    /** Copies the window's values and keys into the next free slot. */
    public void add(Window window) {
        if (isFull()) {
            throw new IllegalStateException("batch is full (" + capacity + " windows)");
        }
        if (window.length() != length || window.features() != features) {
            throw new IllegalArgumentException("window is [" + window.length() + ", " + window.features()
                    + "], batch holds [" + length + ", " + features + "]");
        }
        window.copyValues(windowValues);
        slots.write(size, windowValues);
        seriesIds[size] = window.seriesId();
        starts[size] = window.start();
        ends[size] = window.end();
        size++;
    }

    public int size() {
        return size;
    }

    public int capacity() {
        return capacity;
    }

    public int features() {
        return features;
    }

    public boolean isFull() {
        return size == capacity;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    public Object seriesId(int index) {
        return seriesIds[checkIndex(index)];
    }

    public Object start(int index) {
        return starts[checkIndex(index)];
    }

    public Object end(int index) {
        return ends[checkIndex(index)];
    }

    private static void markAllValid(FieldVector vector, int slots) {
        vector.getValidityBuffer().setOne(0, BitVectorHelper.getValidityBufferSize(slots));
    }

    /** Value {@code feature} of step {@code step} of window {@code index}, read back from Arrow. */
    public double value(int index, int step, int feature) {
        return slots.get(((long) checkIndex(index) * length + step) * features + feature);
    }

    /**
     * Moves window {@code index} one step on: its oldest step dropped, {@code step} ({@code features} values)
     * appended as its newest. Its keys stay those of the window as cut.
     */
    public void advance(int index, double[] step) {
        long first = (long) checkIndex(index) * length * features;
        int kept = (length - 1) * features;
        for (int i = 0; i < kept; i++) {
            windowValues[i] = slots.get(first + features + i);
        }
        System.arraycopy(step, 0, windowValues, kept, features);
        slots.write(index, windowValues);
    }

    /**
     * The batch as a new tensor of shape [size, ...windowShape], filled by one copy of the Arrow
     * value buffer. {@code windowShape} is [length, features], or [length * features] for models
     * that take flat windows: the same bytes either way. The caller owns (and must close) the tensor.
     */
    public Tensor toTensor(long[] windowShape) {
        return toTensor(windowShape, size);
    }

    /**
     * As {@link #toTensor(long[])} with {@code rows} windows, for models with a fixed batch size: the
     * windows of this batch, then zero windows up to {@code rows} (at most the capacity).
     */
    public Tensor toTensor(long[] windowShape, int rows) {
        if (isEmpty()) {
            throw new IllegalStateException("an empty batch has no tensor");
        }
        if (rows < size || rows > capacity) {
            throw new IllegalArgumentException("a tensor of " + rows + " windows for a batch of " + size
                    + " and capacity " + capacity);
        }
        if (Arrays.stream(windowShape).reduce(1, Math::multiplyExact) != (long) length * features) {
            throw new IllegalArgumentException("window shape " + Arrays.toString(windowShape)
                    + " does not hold " + length + " x " + features + " values");
        }
        windows.setValueCount(size);
        long windowBytes = bytesPerWindow(type, length, features);
        long bytes = (long) rows * windowBytes;
        // Windows past the batch hold an earlier batch's values: zeros instead, for the same result every run.
        values.getDataBuffer().setZero(size * windowBytes, bytes - size * windowBytes);
        long[] dims = new long[windowShape.length + 1];
        dims[0] = rows;
        System.arraycopy(windowShape, 0, dims, 1, windowShape.length);
        return slots.toTensor(Shape.of(dims), bytes);
    }

    /**
     * Runs the batch through the model in one session run: the input tensor is made from the Arrow
     * buffer (one copy, filled to the model's fixed batch if it has one) and closed after the run.
     *
     * @param initialStates the carried states, as {@link BatchRunner#run(LoadedModel, Tensor, Object[], int)} takes
     *                      them (none outside stream mode)
     */
    public BatchOutputs run(BatchRunner runner, LoadedModel model, Object[] initialStates) {
        ModelCall call = runner.call();
        try (Tensor input = toTensor(call.inputWindowShape(), call.fedRows(size))) {
            return runner.run(model, input, initialStates, size);
        }
    }

    /** Empties the batch for reuse; the Arrow memory stays allocated. */
    public void clear() {
        Arrays.fill(seriesIds, 0, size, null);
        Arrays.fill(starts, 0, size, null);
        Arrays.fill(ends, 0, size, null);
        size = 0;
    }

    @Override
    public void close() {
        windows.close();
    }

    private int checkIndex(int index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("window " + index + " of a batch of " + size);
        }
        return index;
    }
}
