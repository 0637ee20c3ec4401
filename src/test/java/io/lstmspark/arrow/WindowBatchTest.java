package io.lstmspark.arrow;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lstmspark.model.ElementType;
import io.lstmspark.series.Window;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;

class WindowBatchTest {

    /** Window w of series "s": value(step, feature) = 100 w + 10 step + feature. */
    private record TestWindow(int w, int length, int features) implements Window {
        @Override
        public Object seriesId() {
            return "s" + w;
        }

        @Override
        public double value(int step, int feature) {
            return 100 * w + 10 * step + feature;
        }

        @Override
        public Object timestamp(int step) {
            return (long) (w + step);
        }
    }

    @Test
    void tensorHoldsTheWindowsRowMajorAsBatchLengthFeatures() {
        try (BufferAllocator allocator = ArrowMemory.newTaskAllocator("test");
             WindowBatch batch = WindowBatch.allocate(allocator, ElementType.FLOAT32, 4, 3, 2)) {
            batch.add(new TestWindow(0, 3, 2));
            batch.add(new TestWindow(1, 3, 2));
            try (Tensor tensor = batch.toTensor(new long[] {3, 2})) {
                assertEquals(Shape.of(2, 3, 2), tensor.shape());
                float[] values = new float[12];
                ((TFloat32) tensor).copyTo(DataBuffers.of(values, false, false));
                assertArrayEquals(new float[] {0, 1, 10, 11, 20, 21, 100, 101, 110, 111, 120, 121}, values);
            }
            assertEquals("s1", batch.seriesId(1));
            assertEquals(1L, batch.start(1));
            assertEquals(3L, batch.end(1));
        }
    }

    @Test
    void advanceDropsAWindowsOldestStepAndAppendsTheNewOneLeavingTheOthersAndTheKeys() {
        try (BufferAllocator allocator = ArrowMemory.newTaskAllocator("test");
             WindowBatch batch = WindowBatch.allocate(allocator, ElementType.FLOAT32, 4, 3, 2)) {
            batch.add(new TestWindow(0, 3, 2));
            batch.add(new TestWindow(1, 3, 2));
            batch.advance(1, new double[] {7, 8});
            try (Tensor tensor = batch.toTensor(new long[] {3, 2})) {
                float[] values = new float[12];
                ((TFloat32) tensor).copyTo(DataBuffers.of(values, false, false));
                assertArrayEquals(new float[] {0, 1, 10, 11, 20, 21, 110, 111, 120, 121, 7, 8}, values);
            }
            assertEquals(3L, batch.end(1), "the window keeps the end it was cut with");
        }
    }

    @Test
    void shortBatchForAFixedBatchModelIsFilledUpWithZeroWindows() {
        try (BufferAllocator allocator = ArrowMemory.newTaskAllocator("test");
             WindowBatch batch = WindowBatch.allocate(allocator, ElementType.FLOAT32, 3, 1, 2)) {
            for (int w = 1; w <= 3; w++) {
                batch.add(new TestWindow(w, 1, 2));
            }
            batch.clear();
            batch.add(new TestWindow(4, 1, 2));
            try (Tensor tensor = batch.toTensor(new long[] {1, 2}, 3)) {
                assertEquals(Shape.of(3, 1, 2), tensor.shape());
                float[] values = new float[6];
                ((TFloat32) tensor).copyTo(DataBuffers.of(values, false, false));
                assertArrayEquals(new float[] {400, 401, 0, 0, 0, 0}, values, "no values of the earlier batch");
            }
            assertThrows(IllegalArgumentException.class, () -> batch.toTensor(new long[] {1, 2}, 4), "past capacity");
        }
    }

    @Test
    void float64BatchesGiveFloat64Tensors() {
        try (BufferAllocator allocator = ArrowMemory.newTaskAllocator("test");
             WindowBatch batch = WindowBatch.allocate(allocator, ElementType.FLOAT64, 2, 2, 1)) {
            batch.add(new TestWindow(3, 2, 1));
            try (Tensor tensor = batch.toTensor(new long[] {2, 1})) {
                double[] values = new double[2];
                ((TFloat64) tensor).copyTo(DataBuffers.of(values, false, false));
                assertArrayEquals(new double[] {300, 310}, values);
            }
        }
    }

    @Test
    void flatWindowShapeFeedsTheSameValues() {
        try (BufferAllocator allocator = ArrowMemory.newTaskAllocator("test");
             WindowBatch batch = WindowBatch.allocate(allocator, ElementType.FLOAT32, 2, 2, 2)) {
            batch.add(new TestWindow(0, 2, 2));
            try (Tensor tensor = batch.toTensor(new long[] {4})) {
                assertEquals(Shape.of(1, 4), tensor.shape());
            }
            assertThrows(IllegalArgumentException.class, () -> batch.toTensor(new long[] {5}));
        }
    }

    @Test
    void clearedBatchIsReusedAndItsValuesOverwritten() {
        try (BufferAllocator allocator = ArrowMemory.newTaskAllocator("test");
             WindowBatch batch = WindowBatch.allocate(allocator, ElementType.FLOAT32, 1, 1, 1)) {
            batch.add(new TestWindow(1, 1, 1));
            assertEquals(true, batch.isFull());
            batch.clear();
            batch.add(new TestWindow(2, 1, 1));
            assertEquals(200.0, batch.value(0, 0, 0));
            assertThrows(IllegalStateException.class, () -> batch.add(new TestWindow(3, 1, 1)));
        }
    }

    @Test
    void closingTheBatchReturnsEveryByteToTheTaskAllocator() {
        BufferAllocator allocator = ArrowMemory.newTaskAllocator("test");
        WindowBatch batch = WindowBatch.allocate(allocator, ElementType.FLOAT32, 256, 48, 8);
        batch.add(new TestWindow(0, 48, 8));
        assertEquals(true, allocator.getAllocatedMemory() >= 256L * 48 * 8 * Float.BYTES);
        batch.close();
        assertEquals(0, allocator.getAllocatedMemory());
        allocator.close();
    }

    @Test
    void anUnclosedBatchMakesItsAllocatorFailToClose() {
        // A root of its own: the leaked bytes cannot be returned once the allocator has failed to close.
        BufferAllocator isolatedRoot = new RootAllocator();
        BufferAllocator allocator = isolatedRoot.newChildAllocator("task-that-leaks", 0, Long.MAX_VALUE);
        WindowBatch.allocate(allocator, ElementType.FLOAT32, 2, 2, 2);
        IllegalStateException leak = assertThrows(IllegalStateException.class, allocator::close);
        assertTrue(leak.getMessage().contains("leaked"), leak.getMessage());
    }
}
