package io.lstmspark.task;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lstmspark.arrow.ArrowMemory;
import io.lstmspark.config.JobConfig;
import io.lstmspark.config.StreamLayout;
import io.lstmspark.model.LoadedModel;
import io.lstmspark.model.ModelCache;
import io.lstmspark.model.ModelCall;
import io.lstmspark.model.ModelCallResolver;
import io.lstmspark.model.ModelFingerprint;
import io.lstmspark.model.ModelInput;
import io.lstmspark.model.ModelKey;
import io.lstmspark.model.ModelRequest;
import io.lstmspark.model.ModelSource;
import io.lstmspark.model.SessionThreads;
import io.lstmspark.model.TensorRef;
import io.lstmspark.report.Counts;
import io.lstmspark.report.TaskStats;
import io.lstmspark.series.StepReader;
import io.lstmspark.testing.TestData;
import io.lstmspark.testing.TestModels;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stream task run as a plain iterator, with no SparkSession: a model whose state is a running sum
 * ({@code running} = h0 + cumulative sum of x), so every chunk's outputs must continue the previous
 * chunk's state across batches.
 */
class StreamPipelineTest {

    private static final int LENGTH = 4;

    @TempDir
    Path dir;

    @Test
    void eachChunkStartsFromTheStateItsSeriesPreviousChunkEndedIn() {
        Path model = TestModels.logOfInput(dir, LENGTH);
        ModelSource source = new ModelSource(model.toString(), List.of("serve"));
        ModelKey key = new ModelKey(source, new SessionThreads(1, 1), ModelFingerprint.of(model));
        ModelRequest request = new ModelRequest(source, "serving_default", Optional.of(TensorRef.parse("x")),
                Map.of("running", TensorRef.parse("running")),
                List.of(new ModelRequest.StatePair(TensorRef.parse("h0"), TensorRef.parse("total"))), List.of());
        LoadedModel loaded = ModelCache.getOrLoad(key).model();
        ModelCall call = ModelCallResolver.resolve(loaded, request,
                ModelInput.find(loaded, request).windows(LENGTH, 1));
        StepReader.Layout layout = new StepReader.Layout(0, 1, 2, List.of("x0"), -1, -1, "id", "ts");
        // Batches of 3 chunks: a series' next chunk flushes the batch that holds its previous one.
        StreamPlan plan = new StreamPlan(layout, 3, LENGTH, call.inputType(), 3, key, call, StreamLayout.CHUNK,
                JobConfig.OnNan.FAIL, false, "UTC");
        List<TaskStats> stats = new ArrayList<>();
        TaskEnvironment environment = new TaskEnvironment(new TaskIdentity(0, 0, 1, "driver", "localhost", 1),
                action -> { }, windows -> { }, stats::add);

        List<Row> rows = new ArrayList<>();
        new StreamPipeline(chunkMajor(Map.of("a", 10, "b", 6)).iterator(), plan, environment)
                .forEachRemaining(rows::add);

        rows.sort(Comparator.comparing((Row r) -> (String) r.get(0)).thenComparing(r -> (Long) r.get(1)));
        assertEquals(List.of("a/0/4", "a/1/4", "a/2/2", "b/0/4", "b/1/2"),
                rows.stream().map(r -> r.get(0) + "/" + r.get(1) + "/" + r.get(4)).toList());
        for (Row row : rows) {
            String series = (String) row.get(0);
            long chunk = (Long) row.get(1);
            float[][] running = (float[][]) row.get(5);
            for (int t = 0; t < running.length; t++) {
                long step = chunk * LENGTH + t;
                assertEquals(sumOfFirst(series, step + 1), running[t][0], 1e-4, series + " step " + step);
            }
        }
        Counts counts = stats.get(0).counts();
        assertEquals(List.of(16L, 2L, 5L, 5L, 3L, 2L), List.of(counts.inputRows(), counts.series(),
                counts.windowsCut(), counts.windowsWritten(), counts.batches(), counts.peakCarriedStates()));
        assertEquals(0, ArrowMemory.allocatedBytes(), "the batch's Arrow memory is released when the task ends");
    }

    /** Step t of series a holds t + 1, of series b (t + 1) / 2. */
    private static double value(String series, long step) {
        return series.equals("a") ? step + 1 : (step + 1) / 2.0;
    }

    private static double sumOfFirst(String series, long steps) {
        double sum = 0;
        for (long t = 0; t < steps; t++) {
            sum += value(series, t);
        }
        return sum;
    }

    /** Rows (id, ts, x0, chunk) sorted as the driver sorts them: by chunk, series, timestamp. */
    private static List<Row> chunkMajor(Map<String, Integer> lengths) {
        List<Row> rows = new ArrayList<>();
        int chunks = lengths.values().stream().mapToInt(n -> (n + LENGTH - 1) / LENGTH).max().orElse(0);
        for (long chunk = 0; chunk < chunks; chunk++) {
            for (String series : lengths.keySet().stream().sorted().toList()) {
                for (long step = chunk * LENGTH; step < Math.min(lengths.get(series), (chunk + 1) * LENGTH); step++) {
                    rows.add(RowFactory.create(series, TestData.minute((int) step), value(series, step), chunk));
                }
            }
        }
        return rows;
    }
}
