package io.lstmspark.task;

import io.lstmspark.arrow.WindowBatch;
import io.lstmspark.model.BatchOutputs;
import io.lstmspark.model.BatchRunner;
import io.lstmspark.model.LoadedModel;
import io.lstmspark.model.ModelCache;
import io.lstmspark.output.KeyText;
import io.lstmspark.output.OutputFault;
import io.lstmspark.output.QuarantineRecords;
import io.lstmspark.report.Counts;
import io.lstmspark.report.TaskStats;
import io.lstmspark.series.Window;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One task, pulled by Spark's writer: input rows in, windows cut into an Arrow batch, one session run
 * per batch, rows out. The partition plumbing is here, once: the pull loop, the batch and its memory,
 * the model lookup, the counts, progress and the task's stats. A mode's variant says what it cuts from
 * the rows ({@link #accept}, {@link #endOfInput}) and what it emits for an evaluated batch
 * ({@link #evaluated}), as Spark's EvalPythonExec variants do.
 *
 * <p>It holds at most one batch of windows and one batch of output rows at a time, whatever the
 * partition's size. The quarantine pass runs the same logic and emits what was set aside instead of outputs.
 */
abstract class TaskPipeline implements Iterator<Row> {

    private static final Logger LOG = LoggerFactory.getLogger(TaskPipeline.class);
    private static final long PROGRESS_EVERY_NANOS = 30_000_000_000L;
    private static final Object[] NO_STATES = new Object[0];

    private final Iterator<Row> input;
    private final TaskPlan plan;
    private final TaskEnvironment environment;
    final TaskIdentity task;
    /** The first pass: outputs out. The quarantine pass writes what was set aside instead. */
    final boolean emitsOutputs;
    final KeyText keys;
    final Counts counts = new Counts();
    /** Rows out, not yet pulled. */
    final ArrayDeque<Row> pending = new ArrayDeque<>();
    private final TaskBatch taskBatch;
    /** The batch of windows to evaluate; null in a pass that evaluates nothing. */
    final WindowBatch batch;
    final BatchRunner runner;

    private LoadedModel model;
    private long modelLoads;
    private long modelNanos;
    private final long startedNanos = System.nanoTime();
    private long lastProgressNanos = startedNanos;
    /** Windows already added to {@link TaskEnvironment#progress()}. */
    private long windowsReported;
    private boolean finished;

    /** @param role names the task's Arrow allocator */
    TaskPipeline(Iterator<Row> input, TaskPlan plan, TaskEnvironment environment, String role) {
        this.input = input;
        this.plan = plan;
        this.environment = environment;
        this.task = environment.identity();
        this.emitsOutputs = plan.emitsOutputs();
        this.keys = new KeyText(plan.timeZone());
        if (plan.evaluates()) {
            this.taskBatch = TaskBatch.open(environment, role, plan.inputType(), plan.batchSize(), plan.windowLength(),
                    plan.featureCount());
            this.batch = taskBatch.batch();
            this.runner = new BatchRunner(plan.call());
            LOG.info("Partition {} started (attempt {})", task.partition(), task.attempt());
        } else {
            this.taskBatch = null;
            this.batch = null;
            this.runner = null;
        }
    }

    /** Takes one input row: cuts it into the current window, or leaves it out with a reason. */
    abstract void accept(Row row);

    /** The input has ended: cuts what its last rows left. */
    abstract void endOfInput();

    /** Emits, for each window of the batch just evaluated, its output rows or what is set aside. */
    abstract void evaluated(BatchOutputs outputs);

    /** Runs the batch through the model: one session run, unless a mode's variant needs more. */
    BatchOutputs evaluate(LoadedModel loaded) {
        return batch.run(runner, loaded, initialStates());
    }

    /** The carried states the batch starts from, as {@link WindowBatch#run} takes them; none by default. */
    Object[] initialStates() {
        return NO_STATES;
    }

    @Override
    public final boolean hasNext() {
        while (pending.isEmpty() && !finished) {
            if (input.hasNext()) {
                accept(input.next());
            } else {
                endOfInput();
                flush();
                finish();
            }
        }
        return !pending.isEmpty();
    }

    @Override
    public final Row next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return pending.poll();
    }

    /** Adds a window to the batch, evaluating the batch when it is full. */
    final void addToBatch(Window window) {
        batch.add(window);
        if (batch.isFull()) {
            flush();
        }
    }

    /** Evaluates the windows in the batch, if any, and empties it. */
    final void flush() {
        if (batch == null || batch.isEmpty()) {
            return;
        }
        LoadedModel loaded = model();
        long started = System.nanoTime();
        BatchOutputs outputs = evaluate(loaded);
        modelNanos += System.nanoTime() - started;
        evaluated(outputs);
        batch.clear();
        counts.countBatch();
        if (task.partition() == plan.failFirstAttemptOfPartition() && task.attempt() == 0) {
            throw new IllegalStateException("failure injected by spark.lstmspark.test.failFirstAttemptOfPartition "
                    + "in partition " + task.partition() + " after " + counts.batches() + " batch(es)");
        }
        reportProgress();
        logProgress(false);
    }

    /**
     * Whether a window whose outputs hold NaN or infinite values is written, as {@code output.on-nan}
     * says; counts it (or fails the task).
     *
     * @param window names the window for the failure, e.g. "series s-1, window_end 2026-01-05 23:00:00"
     */
    final boolean admit(List<OutputFault> faults, String window) {
        return NonFiniteOutputs.admit(plan.onNan(), faults, counts, window);
    }

    /** The quarantine record of a window set aside for its outputs. */
    final void setAside(Object seriesId, Object start, Object end, List<OutputFault> faults) {
        pending.add(QuarantineRecords.outputWindow(seriesId, start, end, faults, keys));
    }

    /** The task's model, looked up once: found in this JVM's cache, or loaded by this task. */
    private LoadedModel model() {
        if (model == null) {
            ModelCache.Lookup lookup = ModelCache.getOrLoad(ModelLocation.onThisJvm(plan.modelKey()));
            model = lookup.model();
            modelLoads = lookup.loadedNow() ? 1 : 0;
        }
        return model;
    }

    private void finish() {
        finished = true;
        if (taskBatch != null) {
            // Releases the Arrow memory; closing the allocator fails the task if anything leaked.
            taskBatch.close();
        }
        reportProgress();
        environment.stats().accept(new TaskStats(task.executorId(), task.host(), task.pid(), task.partition(), counts,
                modelLoads, plan.modelKey().threads().toString(), modelNanos, System.nanoTime() - startedNanos,
                model != null && model.usesGatesKernel()));
        logProgress(true);
    }

    /** Adds the windows done since the last call to the task's progress, which the driver shows while it runs. */
    private void reportProgress() {
        long windows = emitsOutputs ? counts.windowsWritten() : counts.windowsCut();
        environment.progress().accept(windows - windowsReported);
        windowsReported = windows;
    }

    private void logProgress(boolean done) {
        long now = System.nanoTime();
        if (!emitsOutputs || (!done && now - lastProgressNanos < PROGRESS_EVERY_NANOS)) {
            return;
        }
        lastProgressNanos = now;
        double seconds = Math.max(1e-9, (now - startedNanos) / 1e9);
        LOG.info("Partition {}{}: {} rows, {} windows in {} batches, {} windows/s", task.partition(),
                done ? " done" : "", counts.inputRows(), counts.windowsWritten(), counts.batches(),
                Math.round(counts.windowsWritten() / seconds));
    }
}
