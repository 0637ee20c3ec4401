package io.lstmspark.task;

import io.lstmspark.model.BatchOutputs;
import io.lstmspark.model.ElementType;
import io.lstmspark.model.ModelCall;
import io.lstmspark.output.OutputFault;
import io.lstmspark.output.StreamRows;
import io.lstmspark.series.Chunk;
import io.lstmspark.series.FeatureScaling;
import io.lstmspark.series.InputDataException;
import io.lstmspark.series.RowProblem;
import io.lstmspark.series.StepReader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.spark.sql.Row;

/**
 * A stream-mode task: each series is fed in chunks of {@code chunkLength} steps, and the LSTM's
 * state after a chunk is the initial state of the series' next chunk. Rows arrive chunk-major
 * (all first chunks, then all second chunks, ...), so one batch holds the same chunk of many series
 * and memory is one batch of chunks plus one carried state per series still going, whatever a
 * series' length.
 */
final class StreamPipeline extends TaskPipeline {

    /** Where a series stands: its state after its last evaluated chunk. */
    private static final class SeriesState {
        long chunk;
        Object lastTimestamp;
        Object[] states;
    }

    private final StreamPlan plan;
    private final StepReader reader;
    private final Chunk chunk;
    private final Map<Object, SeriesState> carried = new HashMap<>();
    private final Set<Object> seriesInBatch = new HashSet<>();
    private final List<Object[]> batchTimestamps = new ArrayList<>();
    private final List<Long> batchChunks = new ArrayList<>();
    private long currentChunkIndex;
    private final FeatureScaling scaling;
    /** Scaling parameters of the chunk being assembled, then of the chunks in the batch (2 per feature each). */
    private final double[] chunkParams;
    private final double[] batchParams;

    StreamPipeline(Iterator<Row> rows, StreamPlan plan, TaskEnvironment environment) {
        super(rows, plan, environment, "stream-task");
        this.plan = plan;
        this.reader = new StepReader(plan.layout(), false, plan.inputType() == ElementType.FLOAT32);
        this.chunk = new Chunk(plan.chunkLength(), plan.featureCount());
        this.scaling = plan.layout().scaling();
        this.chunkParams = new double[scaling.active() ? 2 * plan.featureCount() : 0];
        this.batchParams = new double[batch.capacity() * chunkParams.length];
    }

    @Override
    void accept(Row row) {
        counts.countInputRow();
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
            System.arraycopy(reader.scalingParams(), 0, chunkParams, 0, chunkParams.length);
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

    @Override
    void endOfInput() {
        endChunk();
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
            counts.addSeries(1);
        }
        if (chunk.index() > currentChunkIndex) {
            // Every series still going had a chunk at the previous index; the others have ended.
            currentChunkIndex = chunk.index();
            carried.values().removeIf(other -> other.chunk < currentChunkIndex - 2);
        }
        seriesInBatch.add(chunk.seriesId());
        batchTimestamps.add(chunk.stepTimestamps());
        batchChunks.add(chunk.index());
        counts.countWindowCut();
        System.arraycopy(chunkParams, 0, batchParams, batch.size() * chunkParams.length, chunkParams.length);
        addToBatch(chunk);
    }

    @Override
    void evaluated(BatchOutputs outputs) {
        OutputFault.Finder faultFinder = new OutputFault.Finder(outputs);
        for (int slot = 0; slot < batch.size(); slot++) {
            Object[] timestamps = batchTimestamps.get(slot);
            long chunkIndex = batchChunks.get(slot);
            Object seriesId = batch.seriesId(slot);
            Object last = timestamps[timestamps.length - 1];
            // A chunk set aside still carries its state: the series' later steps stay where they are.
            List<OutputFault> faults = faultFinder.find(slot, timestamps.length);
            if (faults.isEmpty() || admit(faults, "series " + seriesId + ", chunk " + chunkIndex + " (steps at "
                    + timestamps[0] + " to " + last + ")")) {
                counts.countWindowWritten();
                if (emitsOutputs) {
                    StreamRows.emit(plan.rows(), seriesId, chunkIndex, chunkIndex * plan.chunkLength(), timestamps,
                            outputs, slot, scaling, batchParams, plan.featureCount(),
                            pending::add);
                }
            } else if (!emitsOutputs) {
                setAside(seriesId, timestamps[0], last, faults);
            }
            carry(seriesId, chunkIndex, timestamps, outputs, slot);
        }
        seriesInBatch.clear();
        batchTimestamps.clear();
        batchChunks.clear();
    }

    /**
     * Per state, [rows, size] initial values: zeros for first chunks, else the carried state; zeros
     * for the rows that fill a model's fixed batch.
     */
    @Override
    Object[] initialStates() {
        List<ModelCall.CarriedState> states = plan.call().states();
        int n = batch.size();
        int rows = plan.call().fedRows(n);
        Object[] initial = new Object[states.size()];
        for (int s = 0; s < initial.length; s++) {
            int size = states.get(s).size();
            initial[s] = states.get(s).type() == ElementType.FLOAT32 ? new float[rows * size] : new double[rows * size];
            for (int slot = 0; slot < n; slot++) {
                SeriesState carriedState = stateBefore(slot);
                if (carriedState != null) {
                    System.arraycopy(carriedState.states[s], 0, initial[s], slot * size, size);
                }
            }
        }
        return initial;
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
        counts.noteCarriedStates(carried.size());
    }
}
