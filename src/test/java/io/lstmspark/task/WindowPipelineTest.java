package io.lstmspark.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lstmspark.arrow.ArrowMemory;
import io.lstmspark.config.JobConfig;
import io.lstmspark.config.WindowMode;
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
import io.lstmspark.series.WindowCutter;
import io.lstmspark.series.WindowSpec;
import io.lstmspark.testing.LstmOracle;
import io.lstmspark.testing.SampleWeights;
import io.lstmspark.testing.TestData;
import io.lstmspark.testing.TestModels;
import io.lstmspark.testing.Tolerance;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A window task run as a plain iterator, with no SparkSession: in-memory rows in, a real TensorFlow
 * model (a small LSTM with its .npy weights), outputs checked against the plain-Java LSTM oracle.
 */
class WindowPipelineTest {

    private static final int LENGTH = 5;
    private static final int STRIDE = 2;
    private static final int UNITS = 3;
    /** Series s0..s2: s1 is shorter than a window. */
    private static final int[] SERIES_LENGTHS = {9, 4, 12};

    @TempDir
    static Path dir;

    private static SampleWeights weights;
    private static ModelKey key;
    private static ModelCall call;

    @BeforeAll
    static void buildModel() {
        Path model = TestModels.savedModel(dir, 2, UNITS, LENGTH, 7);
        weights = SampleWeights.read(dir.resolve("weights"));
        ModelSource source = new ModelSource(model.toString(), List.of("serve"));
        key = new ModelKey(source, new SessionThreads(1, 1), ModelFingerprint.of(model));
        Map<String, TensorRef> outputs = new LinkedHashMap<>();
        outputs.put("forecast", TensorRef.parse("forecast"));
        outputs.put("hidden_state", TensorRef.parse("hidden_state"));
        LoadedModel loaded = ModelCache.getOrLoad(key).model();
        ModelRequest request = new ModelRequest(source, "serving_default", Optional.empty(), outputs);
        call = ModelCallResolver.resolve(loaded, request, ModelInput.find(loaded, request).windows(LENGTH, 2));
    }

    /** A task environment that keeps what the task hands over, as a test sees it. */
    private static final class Recorded {
        final List<Runnable> atTaskEnd = new ArrayList<>();
        final AtomicLong progress = new AtomicLong();
        final List<TaskStats> stats = new ArrayList<>();
        final TaskEnvironment environment = new TaskEnvironment(
                new TaskIdentity(3, 0, 42, "executor-7", "host-a", 1234), atTaskEnd::add, progress::addAndGet,
                stats::add);
    }

    private static ExecutionPlan plan(int batchSize) {
        StepReader.Layout layout = new StepReader.Layout(0, 1, 2, List.of("x0", "x1"), -1, -1, "id", "ts");
        return new ExecutionPlan(new WindowSpec(WindowMode.EXTRACT, LENGTH, STRIDE), layout, WindowCutter.NO_MAX_GAP,
                JobConfig.BadInput.FAIL, ExecutionPlan.Emit.OUTPUTS, call.inputType(), batchSize, key, call, -1,
                JobConfig.OnNan.FAIL, "UTC", -1, null, false);
    }

    private static List<Row> run(WindowPipeline task) {
        List<Row> rows = new ArrayList<>();
        task.forEachRemaining(rows::add);
        return rows;
    }

    @Test
    void everyWindowsOutputsEqualTheOracleWithoutASparkSession() {
        List<Row> rows = run(new WindowPipeline(TestData.rows(SERIES_LENGTHS).iterator(), plan(3),
                new Recorded().environment));

        int expectedWindows = 0;
        for (int s = 0; s < SERIES_LENGTHS.length; s++) {
            for (int start = 0; start + LENGTH <= SERIES_LENGTHS[s]; start += STRIDE) {
                Row row = rows.get(expectedWindows++);
                String where = "s" + s + " @ " + start;
                assertEquals("s" + s, row.get(0), where);
                assertEquals(TestData.minute(start), row.get(1), where + " window_start");
                assertEquals(TestData.minute(start + LENGTH - 1), row.get(2), where + " window_end");
                LstmOracle.States states = LstmOracle.run(weights.lstm(), steps(s, start));
                Tolerance.assertAllClose(LstmOracle.dense(states.lastH(), weights.denseKernel(), weights.denseBias()),
                        (float[]) row.get(3), 1e-5, where + " forecast");
                Tolerance.assertAllClose(states.lastH(), (float[]) row.get(4), 1e-5, where + " hidden_state");
            }
        }
        assertEquals(expectedWindows, rows.size(), "one row per window, nothing else");
        assertTrue(expectedWindows > 3, "more windows than one batch holds");
    }

    /** Step values as TestData makes them: x0 = sin(0.3 t + i), x1 = cos(0.2 t) - i / 10 for series i. */
    private static double[][] steps(int series, int start) {
        double[][] x = new double[LENGTH][];
        for (int t = 0; t < LENGTH; t++) {
            int step = start + t;
            x[t] = new double[] {Math.sin(0.3 * step + series), Math.cos(0.2 * step) - series / 10.0};
        }
        return x;
    }

    @Test
    void theTaskHandsItsCountsAndIdentityToItsEnvironmentWhenItsLastRowIsOut() {
        Recorded task = new Recorded();
        List<Row> rows = run(new WindowPipeline(TestData.rows(SERIES_LENGTHS).iterator(), plan(3), task.environment));

        assertEquals(1, task.stats.size(), "one stats per task");
        TaskStats stats = task.stats.get(0);
        assertEquals(List.of("executor-7", "host-a", 1234L, 3), List.of(stats.executorId(), stats.host(), stats.pid(),
                stats.partition()));
        Counts counts = stats.counts();
        assertEquals(9 + 4 + 12, counts.inputRows());
        assertEquals(3, counts.series());
        assertEquals(Map.of("series_shorter_than_window", 1L), counts.skipped());
        assertEquals(rows.size(), counts.windowsWritten());
        assertEquals(rows.size(), counts.windowsCut());
        assertEquals((rows.size() + 2) / 3, counts.batches(), "batches of 3, the last one partial");
        assertEquals(0, counts.quarantineRecords());
        assertEquals(rows.size(), task.progress.get(), "progress: the windows written");
        assertEquals(0, ArrowMemory.allocatedBytes(), "the batch's Arrow memory is released when the task ends");
    }

    @Test
    void aTaskStoppedMidWayReleasesItsBatchAtTaskEnd() {
        Recorded task = new Recorded();
        WindowPipeline pipeline = new WindowPipeline(TestData.rows(SERIES_LENGTHS).iterator(), plan(3),
                task.environment);
        pipeline.next();
        assertTrue(ArrowMemory.allocatedBytes() > 0, "the batch is held while the task runs");

        task.atTaskEnd.forEach(Runnable::run);

        assertEquals(0, ArrowMemory.allocatedBytes(), "the batch's Arrow memory is released at the task's end");
        assertTrue(task.stats.isEmpty(), "a task that did not finish reports no stats");
    }
}
