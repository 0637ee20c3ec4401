package io.lstmspark.bench;

import io.lstmspark.arrow.ArrowMemory;
import io.lstmspark.arrow.WindowBatch;
import io.lstmspark.model.BatchOutputs;
import io.lstmspark.model.BatchRunner;
import io.lstmspark.model.LoadedModel;
import io.lstmspark.model.ModelCall;
import io.lstmspark.output.WindowRows;
import io.lstmspark.series.Window;
import org.apache.arrow.memory.BufferAllocator;
import org.tensorflow.Tensor;

/**
 * A long run of the per-batch path a task takes (Arrow batch, tensor, session run, rows), with the
 * process's resident memory read from /proc after a warm-up and at the end: native memory that is
 * not released (an unclosed tensor or result, an Arrow buffer) shows as growth.
 */
final class Soak {

    record Result(long batches, long warmupBatches, long rssAfterWarmup, long rssAtEnd) {
    }

    private Soak() {
    }

    static Result run(LoadedModel model, ModelCall call, int batches, int length, int features, int batchSize) {
        BatchRunner runner = new BatchRunner(call);
        Window window = new SyntheticWindow(length, features);
        int warmup = Math.max(1, batches / 5);
        long rssAfterWarmup = 0;
        long[] rows = new long[1];
        try (BufferAllocator allocator = ArrowMemory.newTaskAllocator("lstm-spark-soak");
             WindowBatch batch = WindowBatch.allocate(allocator, call.inputType(), batchSize, length, features)) {
            for (int b = 0; b < batches; b++) {
                batch.clear();
                while (!batch.isFull()) {
                    batch.add(window);
                }
                BatchOutputs outputs;
                try (Tensor input = batch.toTensor(call.inputWindowShape())) {
                    outputs = runner.run(model, input);
                }
                WindowRows.emit(batch, outputs, row -> rows[0]++);
                if (b + 1 == warmup) {
                    rssAfterWarmup = BenchJobCommand.procStatusBytes("VmRSS");
                }
            }
        }
        return new Result(batches, warmup, rssAfterWarmup, BenchJobCommand.procStatusBytes("VmRSS"));
    }

    /** One window of a slow sine, repeated: the values do not matter here, the memory does. */
    private record SyntheticWindow(int length, int features) implements Window {
        @Override
        public Object seriesId() {
            return "soak";
        }

        @Override
        public double value(int step, int feature) {
            return Math.sin(0.1 * step + feature);
        }

        @Override
        public Object timestamp(int step) {
            return (long) step;
        }
    }
}
