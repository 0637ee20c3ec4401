package io.lstmspark.task;

import io.lstmspark.arrow.WindowBatch;
import io.lstmspark.model.BatchOutputs;
import io.lstmspark.model.BatchRunner;
import io.lstmspark.model.ElementType;
import io.lstmspark.model.ModelCache;
import io.lstmspark.model.ModelCall;
import io.lstmspark.model.ModelKey;
import io.lstmspark.output.KeyText;
import io.lstmspark.output.OutputFault;
import io.lstmspark.output.QuarantineRecords;
import io.lstmspark.output.StreamRows;
import io.lstmspark.report.TaskStats;
import io.lstmspark.series.Chunk;
import io.lstmspark.series.InputDataException;
import io.lstmspark.series.RowProblem;
import io.lstmspark.series.StepReader;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.Row;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;

/**
 * One stream-mode task: each series is fed in chunks of {@code chunkLength} steps, and the LSTM's
 * state after a chunk is the initial state of the series' next chunk. Rows arrive chunk-major
 * (all first chunks, then all second chunks, ...), so one batch holds the same chunk of many series
 * and memory is one batch of chunks plus one carried state per series still going, whatever a
 * series' length.
 */
final class StreamPipeline implements Iterator<Row> {

    /** Where a series stands: its state after its last evaluated chunk. */
    private static final class SeriesState {
        long chunk;
        Object lastTimestamp;
        Object[] states;
    }

    private final Iterator<Row> rows;
    private final StreamPlan plan;
    private final LongAccumulator progress;
    private final CollectionAccumulator<TaskStats> taskStats;
    private final TaskContext task;
    private final StepReader reader;
    private final KeyText keys;
    private final Chunk chunk;
    private final TaskBatch taskBatch;
    private final WindowBatch batch;
    private final BatchRunner runner;
    private final TaskCounters counters = new TaskCounters();
    private final ArrayDeque<Row> pending = new ArrayDeque<>();
    private final Map<Object, SeriesState> carried = new HashMap<>();
    private final Set<Object> seriesInBatch = new HashSet<>();
    private final List<Object[]> batchTimestamps = new ArrayList<>();
    private final List<Long> batchChunks = new ArrayList<>();
    private final long startedNanos = System.nanoTime();
    /** The plan's model as this JVM finds it; resolved at the first batch. */
    private ModelKey localModel;
    private long series;
    private long peakCarried;
    private long currentChunkIndex;
    private boolean finished;

    StreamPipeline(Iterator<Row> rows, StreamPlan plan, LongAccumulator progress,
                   CollectionAccumulator<TaskStats> taskStats) {
        this.rows = rows;
        this.plan = plan;
        this.progress = progress;
        this.taskStats = taskStats;
        this.task = TaskContext.get();
        this.reader = new StepReader(plan.layout(), false, plan.inputType() == ElementType.FLOAT32);
        this.keys = new KeyText(plan.timeZone());
        this.chunk = new Chunk(plan.chunkLength(), plan.featureCount());
        this.taskBatch = TaskBatch.open(task, "stream-task", plan.inputType(), plan.batchSize(), plan.chunkLength(),
                plan.featureCount());
        this.batch = taskBatch.batch();
        this.runner = new BatchRunner(plan.call());
    }

    @Override
    public boolean hasNext() {
        while (pending.isEmpty() && !finished) {
            if (rows.hasNext()) {
                accept(rows.next());
            } else {
                endChunk();
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
        if (!reader.read(row) || reader.problem() != null) {
            throw new InputDataException("bad input row (" + reader.problem().label() + "): "
                    + (reader.seriesId() == null ? "" : "series " + reader.seriesId() + ", ")
                    + (reader.timestamp() == null ? "" : "timestamp " + reader.timestamp() + ", ") + reader.detail()
                    + ". Stream mode needs every step of a series: fix the input.");
        }
        long chunkIndex = row.getLong(plan.chunkField());
        if (chunk.isEmpty() || chunk.index() != chunkIndex || !Objects.equals(chunk.seriesId(), reader.seriesId())) {
            endChunk();
            chunk.start(reader.seriesId(), chunkIndex);
        }
        Object previous = chunk.isEmpty() ? lastTimestamp(reader.seriesId()) : chunk.timestamp(chunk.steps() - 1);
        if (Objects.equals(previous, reader.timestamp())) {
            throw new InputDataException("bad input row (" + RowProblem.DUPLICATE_TIMESTAMP.label() + "): series "
                    + reader.seriesId() + " has two rows at " + reader.timestamp()
                    + ". Stream mode needs one row per step: fix the input.");
        }
        chunk.add(reader.timestamp(), reader.values());
    }

    private Object lastTimestamp(Object seriesId) {
        SeriesState state = carried.get(seriesId);
        return state == null ? null : state.lastTimestamp;
    }

    /** Puts the assembled chunk into the batch, after evaluating the series' previous chunk if needed. */
    private void endChunk() {
        if (chunk.isEmpty()) {
            return;
        }
        if (seriesInBatch.contains(chunk.seriesId())) {
            flush();
        }
        if (chunk.index() == 0) {
            series++;
        }
        if (chunk.index() > currentChunkIndex) {
            // Every series still going had a chunk at the previous index; the others have ended.
            currentChunkIndex = chunk.index();
            carried.values().removeIf(other -> other.chunk < currentChunkIndex - 2);
        }
        batch.add(chunk);
        seriesInBatch.add(chunk.seriesId());
        batchTimestamps.add(chunk.stepTimestamps());
        batchChunks.add(chunk.index());
        counters.windowsCut++;
        if (batch.isFull()) {
            flush();
        }
    }

    private void flush() {
        if (batch.isEmpty()) {
            return;
        }
        if (localModel == null) {
            localModel = ModelLocation.onThisJvm(plan.modelKey());
        }
        ModelCache.Lookup lookup = ModelCache.getOrLoad(localModel);
        counters.modelLoads |= lookup.loadedNow() ? 1 : 0;
        List<Tensor> states = new ArrayList<>();
        long started = System.nanoTime();
        BatchOutputs outputs;
        try (Tensor input = batch.toTensor(plan.call().inputWindowShape(), plan.call().fedRows(batch.size()))) {
            for (int s = 0; s < plan.call().states().size(); s++) {
                states.add(initialStates(s));
            }
            outputs = runner.run(lookup.model(), input, states, batch.size());
        } finally {
            states.forEach(Tensor::close);
        }
        counters.modelNanos += System.nanoTime() - started;
        OutputFault.Finder faultFinder = new OutputFault.Finder(outputs);
        for (int slot = 0; slot < batch.size(); slot++) {
            Object[] timestamps = batchTimestamps.get(slot);
            long chunkIndex = batchChunks.get(slot);
            Object seriesId = batch.seriesId(slot);
            Object last = timestamps[timestamps.length - 1];
            // A chunk set aside still carries its state: the series' later steps stay where they are.
            List<OutputFault> faults = faultFinder.find(slot, timestamps.length);
            if (faults.isEmpty() || NonFiniteOutputs.admit(plan.onNan(), faults, counters, "series " + seriesId
                    + ", chunk " + chunkIndex + " (steps at " + timestamps[0] + " to " + last + ")")) {
                counters.windowsWritten++;
                if (!plan.quarantine()) {
                    StreamRows.emit(plan.rows(), seriesId, chunkIndex, chunkIndex * plan.chunkLength(), timestamps,
                            outputs, slot, pending::add);
                }
            } else if (plan.quarantine()) {
                pending.add(QuarantineRecords.outputWindow(seriesId, timestamps[0], last, faults, keys));
            }
            carry(batch.seriesId(slot), chunkIndex, timestamps, outputs, slot);
        }
        counters.batches++;
        progress.add(batch.size());
        batch.clear();
        seriesInBatch.clear();
        batchTimestamps.clear();
        batchChunks.clear();
    }

    /**
     * [rows, size] initial values of state {@code s}: zeros for first chunks, else the carried state;
     * zeros for the rows that fill a model's fixed batch.
     */
    private Tensor initialStates(int s) {
        ModelCall.CarriedState state = plan.call().states().get(s);
        int n = batch.size();
        int rows = plan.call().fedRows(n);
        Shape shape = Shape.of(rows, state.size());
        if (state.type() == ElementType.FLOAT32) {
            float[] values = new float[rows * state.size()];
            for (int slot = 0; slot < n; slot++) {
                SeriesState carriedState = stateBefore(slot);
                if (carriedState != null) {
                    System.arraycopy((float[]) carriedState.states[s], 0, values, slot * state.size(), state.size());
                }
            }
            return TFloat32.tensorOf(shape, DataBuffers.of(values, true, false));
        }
        double[] values = new double[rows * state.size()];
        for (int slot = 0; slot < n; slot++) {
            SeriesState carriedState = stateBefore(slot);
            if (carriedState != null) {
                System.arraycopy((double[]) carriedState.states[s], 0, values, slot * state.size(), state.size());
            }
        }
        return TFloat64.tensorOf(shape, DataBuffers.of(values, true, false));
    }

    private SeriesState stateBefore(int slot) {
        long chunkIndex = batchChunks.get(slot);
        if (chunkIndex == 0) {
            return null;
        }
        SeriesState state = carried.get(batch.seriesId(slot));
        if (state == null || state.chunk != chunkIndex - 1) {
            throw new IllegalStateException("series " + batch.seriesId(slot) + " reached chunk " + chunkIndex
                    + " without the state of chunk " + (chunkIndex - 1) + ": rows are not in chunk order");
        }
        return state;
    }

    /** Keeps the state after a full chunk for the series' next one; a short chunk ends its series. */
    private void carry(Object seriesId, long chunkIndex, Object[] timestamps, BatchOutputs outputs, int slot) {
        if (timestamps.length < plan.chunkLength()) {
            carried.remove(seriesId);
            return;
        }
        SeriesState state = carried.computeIfAbsent(seriesId, id -> new SeriesState());
        state.chunk = chunkIndex;
        state.lastTimestamp = timestamps[timestamps.length - 1];
        state.states = new Object[plan.call().states().size()];
        for (int s = 0; s < state.states.length; s++) {
            int size = plan.call().states().get(s).size();
            Object all = outputs.state(s);
            Object mine = java.lang.reflect.Array.newInstance(all.getClass().getComponentType(), size);
            System.arraycopy(all, slot * size, mine, 0, size);
            state.states[s] = mine;
        }
        peakCarried = Math.max(peakCarried, carried.size());
    }

    private void finish() {
        finished = true;
        taskBatch.close();
        counters.peakCarriedStates = peakCarried;
        taskStats.add(counters.toStats(task.partitionId(), series, 0,
                plan.modelKey().threads().toString(), System.nanoTime() - startedNanos));
    }
}
