package io.lstmspark.job;

import io.lstmspark.arrow.ArrowMemory;
import io.lstmspark.arrow.WindowBatch;
import io.lstmspark.model.BatchOutputs;
import io.lstmspark.model.BatchRunner;
import io.lstmspark.model.LoadedModel;
import io.lstmspark.model.ModelCache;
import io.lstmspark.output.TaskStats;
import io.lstmspark.output.WindowRows;
import io.lstmspark.series.InputDataException;
import io.lstmspark.series.SkipReason;
import io.lstmspark.series.Window;
import io.lstmspark.series.WindowCutter;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.Row;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;
import org.apache.spark.util.TaskCompletionListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.Tensor;

/**
 * One task's pipeline, pulled by Spark's writer: sorted steps in, windows cut, batched in Arrow,
 * evaluated in one session run per batch, output rows out. It holds at most one batch of windows,
 * one batch of output rows and one window of steps at a time, whatever the partition's size.
 */
final class PartitionPipeline implements Iterator<Row>, WindowCutter.Sink {

    private static final Logger LOG = LoggerFactory.getLogger(PartitionPipeline.class);
    private static final long PROGRESS_EVERY_NANOS = 30_000_000_000L;
    private static final int FIRST_FEATURE = 2;

    private final Iterator<Row> steps;
    private final ExecutionPlan plan;
    private final LongAccumulator windowProgress;
    private final CollectionAccumulator<TaskStats> taskStats;
    private final TaskContext task;
    private final BufferAllocator allocator;
    private final WindowBatch batch;
    private final WindowCutter cutter;
    private final BatchRunner runner;
    private final double[] stepValues;
    private final ArrayDeque<Row> pending = new ArrayDeque<>();
    private final Map<String, Long> seriesSkipped = new HashMap<>();

    private LoadedModel model;
    private long modelLoads;
    private long inputRows;
    private long windows;
    private long batches;
    private long modelNanos;
    private final long startedNanos = System.nanoTime();
    private long lastProgressNanos = startedNanos;
    private boolean finished;
    private boolean closed;

    PartitionPipeline(Iterator<Row> steps, ExecutionPlan plan, LongAccumulator windowProgress,
                      CollectionAccumulator<TaskStats> taskStats) {
        this.steps = steps;
        this.plan = plan;
        this.windowProgress = windowProgress;
        this.taskStats = taskStats;
        this.task = TaskContext.get();
        this.allocator = ArrowMemory.newTaskAllocator("lstm-spark-task-" + task.taskAttemptId());
        try {
            this.batch = WindowBatch.allocate(allocator, plan.inputType(), plan.batchSize(),
                    plan.windows().length(), plan.featureColumns().size());
        } catch (RuntimeException e) {
            allocator.close();
            throw e;
        }
        this.cutter = new WindowCutter(plan.windows(), plan.featureColumns().size(), this);
        this.runner = new BatchRunner(plan.call());
        this.stepValues = new double[plan.featureColumns().size()];
        // Frees Arrow memory when the task ends early (failure, or a writer that stops pulling).
        task.addTaskCompletionListener((TaskCompletionListener) context -> close());
    }

    @Override
    public boolean hasNext() {
        while (pending.isEmpty() && !finished) {
            if (steps.hasNext()) {
                accept(steps.next());
            } else {
                cutter.finish();
                flush();
                finish();
            }
        }
        return !pending.isEmpty();
    }

    @Override
    public Row next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return pending.poll();
    }

    private void accept(Row row) {
        inputRows++;
        Object seriesId = row.get(0);
        Object timestamp = row.get(1);
        if (seriesId == null) {
            throw new InputDataException("a row has a null series id (timestamp " + timestamp + ")");
        }
        if (timestamp == null) {
            throw new InputDataException("series " + seriesId + " has a row with a null timestamp");
        }
        for (int f = 0; f < stepValues.length; f++) {
            if (row.isNullAt(FIRST_FEATURE + f)) {
                throw new InputDataException("series " + seriesId + " at " + timestamp + ": feature column "
                        + plan.featureColumns().get(f) + " is null");
            }
            stepValues[f] = row.getDouble(FIRST_FEATURE + f);
        }
        cutter.accept(seriesId, timestamp, stepValues);
    }

    @Override
    public void window(Window window) {
        batch.add(window);
        windows++;
        if (batch.isFull()) {
            flush();
        }
    }

    @Override
    public void seriesSkipped(Object seriesId, long steps, SkipReason reason) {
        seriesSkipped.merge(reason.label(), 1L, Long::sum);
        LOG.debug("Series {} skipped ({} steps): {}", seriesId, steps, reason.label());
    }

    private void flush() {
        if (batch.isEmpty()) {
            return;
        }
        LoadedModel loaded = model();
        long started = System.nanoTime();
        BatchOutputs outputs;
        try (Tensor input = batch.toTensor(plan.call().inputWindowShape())) {
            outputs = runner.run(loaded, input);
        }
        modelNanos += System.nanoTime() - started;
        WindowRows.emit(batch, outputs, pending::add);
        batch.clear();
        batches++;
        logProgress(false);
    }

    private LoadedModel model() {
        if (model == null) {
            ModelCache.Lookup lookup = ModelCache.getOrLoad(plan.modelKey());
            model = lookup.model();
            modelLoads = lookup.loadedNow() ? 1 : 0;
        }
        return model;
    }

    private void finish() {
        finished = true;
        close();
        windowProgress.add(windows);
        taskStats.add(new TaskStats(SparkEnv.get().executorId(), task.partitionId(), inputRows, cutter.seriesCount(),
                windows, batches, modelLoads, seriesSkipped, plan.modelKey().threads().toString(), modelNanos,
                System.nanoTime() - startedNanos));
        logProgress(true);
    }

    private void logProgress(boolean done) {
        long now = System.nanoTime();
        if (!done && now - lastProgressNanos < PROGRESS_EVERY_NANOS) {
            return;
        }
        lastProgressNanos = now;
        double seconds = Math.max(1e-9, (now - startedNanos) / 1e9);
        LOG.info("Partition {}{}: {} rows, {} windows in {} batches, {} windows/s", task.partitionId(),
                done ? " done" : "", inputRows, windows, batches, Math.round(windows / seconds));
    }

    /** Releases the batch's Arrow memory; closing the allocator fails the task if anything leaked. */
    private void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            batch.close();
        } finally {
            allocator.close();
        }
    }
}
