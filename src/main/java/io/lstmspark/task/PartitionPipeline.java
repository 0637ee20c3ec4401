package io.lstmspark.task;

import io.lstmspark.arrow.WindowBatch;
import io.lstmspark.config.JobConfig;
import io.lstmspark.model.BatchOutputs;
import io.lstmspark.model.BatchRunner;
import io.lstmspark.model.ElementType;
import io.lstmspark.model.LoadedModel;
import io.lstmspark.model.ModelCache;
import io.lstmspark.output.KeyText;
import io.lstmspark.output.OutputFault;
import io.lstmspark.output.QuarantineRecords;
import io.lstmspark.output.WindowRows;
import io.lstmspark.report.TaskStats;
import io.lstmspark.series.InputDataException;
import io.lstmspark.series.RowProblem;
import io.lstmspark.series.SkipReason;
import io.lstmspark.series.StepReader;
import io.lstmspark.series.Window;
import io.lstmspark.series.WindowCutter;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.Row;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.Tensor;

/**
 * One task's pipeline, pulled by Spark's writer: sorted steps in, windows cut, batched in Arrow,
 * evaluated in one session run per batch, output rows out. It holds at most one batch of windows,
 * one batch of output rows and one window of steps at a time, whatever the partition's size.
 *
 * <p>Every row and window is accounted for: evaluated, or left out with a reason (which fails the
 * task under {@code input.on-bad = fail}). The quarantine pass runs the same logic and emits what
 * was left out instead of outputs.
 */
final class PartitionPipeline implements Iterator<Row>, WindowCutter.Sink {

    private static final Logger LOG = LoggerFactory.getLogger(PartitionPipeline.class);
    private static final long PROGRESS_EVERY_NANOS = 30_000_000_000L;

    private final Iterator<Row> steps;
    private final ExecutionPlan plan;
    /** Windows are evaluated: always in the first pass, in the quarantine pass when outputs set windows aside. */
    private final boolean evaluate;
    private final boolean emitOutputs;
    private final LongAccumulator windowProgress;
    private final CollectionAccumulator<TaskStats> taskStats;
    private final TaskContext task;
    private final StepReader reader;
    private final WindowCutter cutter;
    private final TaskCounters counters = new TaskCounters();
    private final ArrayDeque<Row> pending = new ArrayDeque<>();
    private final TaskBatch taskBatch;
    private final WindowBatch batch;
    private final BatchRunner runner;
    private final KeyText keys;

    private LoadedModel model;
    private final long startedNanos = System.nanoTime();
    private long lastProgressNanos = startedNanos;
    private boolean finished;

    PartitionPipeline(Iterator<Row> steps, ExecutionPlan plan, LongAccumulator windowProgress,
                      CollectionAccumulator<TaskStats> taskStats) {
        this.steps = steps;
        this.plan = plan;
        this.evaluate = plan.emit() != ExecutionPlan.Emit.QUARANTINE;
        this.emitOutputs = plan.emit() == ExecutionPlan.Emit.OUTPUTS;
        this.windowProgress = windowProgress;
        this.taskStats = taskStats;
        this.task = TaskContext.get();
        this.reader = new StepReader(plan.layout(), plan.maxGap() != WindowCutter.NO_MAX_GAP,
                plan.inputType() == ElementType.FLOAT32);
        this.cutter = new WindowCutter(plan.windows(), plan.featureCount(), plan.maxGap(), this);
        this.keys = new KeyText(plan.timeZone());
        if (evaluate) {
            this.taskBatch = TaskBatch.open(task, "window-task", plan.inputType(), plan.batchSize(),
                    plan.windows().length(), plan.featureCount());
            this.batch = taskBatch.batch();
            this.runner = new BatchRunner(plan.call());
            LOG.info("Partition {} started (attempt {})", task.partitionId(), task.attemptNumber());
        } else {
            this.taskBatch = null;
            this.batch = null;
            this.runner = null;
        }
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
        counters.inputRows++;
        if (!reader.read(row)) {
            leaveOut(reader.problem(), reader.seriesId(), reader.timestamp(), reader.detail(), counters.rowsRejected);
            return;
        }
        // Checked first, so that a bad key is reported whatever the cutoff; values after it are not used.
        if (plan.afterCutoffField() >= 0 && row.getBoolean(plan.afterCutoffField())) {
            counters.rowsAfterCutoff++;
            return;
        }
        if (reader.problem() != null) {
            leaveOut(reader.problem(), reader.seriesId(), reader.timestamp(), reader.detail(),
                    counters.rowsWithBadValues);
        }
        cutter.accept(reader.seriesId(), reader.timestamp(), reader.time(), reader.values(), reader.problem());
    }

    /** A row the job cannot use: fails the task, or is counted and (in the quarantine pass) written. */
    private void leaveOut(RowProblem problem, Object seriesId, Object timestamp, String detail,
                          java.util.Map<String, Long> counts) {
        if (plan.onBad() == JobConfig.BadInput.FAIL) {
            throw new InputDataException("bad input row (" + problem.label() + "): "
                    + (seriesId == null ? "" : "series " + keys.of(seriesId) + ", ")
                    + (timestamp == null ? "" : "timestamp " + keys.of(timestamp) + ", ") + detail
                    + ". Fix the input, or set input.on-bad = quarantine to set such rows aside.");
        }
        TaskCounters.count(counts, problem.label());
        if (!emitOutputs) {
            pending.add(QuarantineRecords.row(problem, seriesId, timestamp, detail, keys));
        }
    }

    @Override
    public void window(Window window) {
        counters.windowsCut++;
        if (!evaluate) {
            return;
        }
        batch.add(window);
        if (batch.isFull()) {
            flush();
        }
    }

    @Override
    public void windowRejected(Window window, RowProblem problem, Object at) {
        counters.windowsCut++;
        TaskCounters.count(counters.windowsQuarantined, problem.windowLabel());
        if (!emitOutputs) {
            pending.add(QuarantineRecords.window(window, problem, at, keys));
        }
    }

    @Override
    public void rowRejected(Object seriesId, Object timestamp, RowProblem problem) {
        // The row kept came first in the sort: the smallest feature values (LstmSparkJob.sortedSteps).
        leaveOut(problem, seriesId, timestamp, "series already has a row at this timestamp; kept "
                + featureText(cutter.lastStepValues()) + ", dropped " + featureText(reader.values()),
                counters.rowsRejected);
    }

    /** Feature values as "x0=1.0, x1=2.0" (null values read as NaN). */
    private String featureText(double[] values) {
        StringBuilder text = new StringBuilder();
        List<String> names = plan.layout().featureNames();
        for (int f = 0; f < values.length; f++) {
            text.append(f == 0 ? "" : ", ").append(names.get(f)).append('=').append(values[f]);
        }
        return text.toString();
    }

    @Override
    public void skipped(Object seriesId, long steps, SkipReason reason) {
        TaskCounters.count(counters.skipped, reason.label());
        LOG.debug("Series {}: {} steps give no window ({})", seriesId, steps, reason.label());
    }

    private void flush() {
        if (!evaluate || batch.isEmpty()) {
            return;
        }
        LoadedModel loaded = model();
        long started = System.nanoTime();
        BatchOutputs outputs;
        try (Tensor input = batch.toTensor(plan.call().inputWindowShape(), plan.call().fedRows(batch.size()))) {
            outputs = runner.run(loaded, input, List.of(), batch.size());
        }
        counters.modelNanos += System.nanoTime() - started;
        OutputFault.Finder faultFinder = new OutputFault.Finder(outputs);
        for (int w = 0; w < batch.size(); w++) {
            List<OutputFault> faults = faultFinder.find(w, -1);
            if (faults.isEmpty() || NonFiniteOutputs.admit(plan.onNan(), faults, counters,
                    "series " + batch.seriesId(w) + ", window_end " + batch.end(w))) {
                counters.windowsWritten++;
                if (emitOutputs) {
                    WindowRows.emit(batch, outputs, w, pending::add);
                }
            } else if (!emitOutputs) {
                pending.add(QuarantineRecords.outputWindow(batch.seriesId(w), batch.start(w), batch.end(w), faults,
                        keys));
            }
        }
        batch.clear();
        counters.batches++;
        if (task.partitionId() == plan.failFirstAttemptOfPartition() && task.attemptNumber() == 0) {
            throw new IllegalStateException("failure injected by spark.lstmspark.test.failFirstAttemptOfPartition "
                    + "in partition " + task.partitionId() + " after " + counters.batches + " batch(es)");
        }
        logProgress(false);
    }

    private LoadedModel model() {
        if (model == null) {
            ModelCache.Lookup lookup = ModelCache.getOrLoad(ModelLocation.onThisJvm(plan.modelKey()));
            model = lookup.model();
            counters.modelLoads = lookup.loadedNow() ? 1 : 0;
        }
        return model;
    }

    private void finish() {
        finished = true;
        close();
        windowProgress.add(emitOutputs ? counters.windowsWritten : counters.windowsCut);
        taskStats.add(counters.toStats(task.partitionId(), cutter.seriesCount(),
                cutter.gaps(), plan.modelKey().threads().toString(), System.nanoTime() - startedNanos));
        logProgress(true);
    }

    private void logProgress(boolean done) {
        long now = System.nanoTime();
        if (!emitOutputs || (!done && now - lastProgressNanos < PROGRESS_EVERY_NANOS)) {
            return;
        }
        lastProgressNanos = now;
        double seconds = Math.max(1e-9, (now - startedNanos) / 1e9);
        LOG.info("Partition {}{}: {} rows, {} windows in {} batches, {} windows/s", task.partitionId(),
                done ? " done" : "", counters.inputRows, counters.windowsWritten, counters.batches,
                Math.round(counters.windowsWritten / seconds));
    }

    /** Releases the batch's Arrow memory; closing the allocator fails the task if anything leaked. */
    private void close() {
        if (taskBatch != null) {
            taskBatch.close();
        }
    }
}
