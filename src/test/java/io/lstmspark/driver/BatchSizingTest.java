package io.lstmspark.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lstmspark.config.ConfigException;
import io.lstmspark.model.ElementType;
import io.lstmspark.model.ModelCall;
import io.lstmspark.report.RunReport;
import io.lstmspark.testing.Jobs;
import io.lstmspark.testing.TestData;
import io.lstmspark.testing.TestModels;
import io.lstmspark.testing.TestSpark;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatchSizingTest {

    @TempDir
    Path dir;

    private static final ModelCall WIDE = new ModelCall("x:0", ElementType.FLOAT32, new long[] {100, 10},
            List.of(new ModelCall.FetchedOutput("seq", "seq", "seq:0", ElementType.FLOAT32, new long[] {100, 64})));

    @Test
    void bytesPerWindowCountArrowInputTensorAndOutputs() {
        BatchSizing sizing = BatchSizing.of(WIDE, 100, 10, 256, 1L << 30);
        assertEquals(2 * 100 * 10 * 4 + 100 * 64 * 4, sizing.bytesPerWindow());
        assertEquals(256, sizing.windows());
    }

    @Test
    void wideWindowsGetSmallerBatchesButNeverNone() {
        assertEquals(3, BatchSizing.of(WIDE, 100, 10, 256, 3 * 33_600 + 100).windows());
        assertEquals(1, BatchSizing.of(WIDE, 100, 10, 256, 10).windows());
    }

    @Test
    void modelWithAFixedBatchGetsExactlyThatManyWindowsPerCall() {
        ModelCall fixed = new ModelCall("x:0", ElementType.FLOAT32, new long[] {100, 10}, 5, WIDE.outputs(),
                List.of(), List.of());
        for (int requested : new int[] {2, 256}) {
            BatchSizing sizing = BatchSizing.of(fixed, 100, 10, requested, 1L << 30);
            assertEquals(5, sizing.windows(), "batch.size " + requested);
            assertTrue(sizing.fixedByModel());
            assertFalse(sizing.reduced());
        }
        ConfigException tooSmall = assertThrows(ConfigException.class,
                () -> BatchSizing.of(fixed, 100, 10, 256, 4 * 33_600));
        assertTrue(tooSmall.getMessage().contains("exactly 5 windows")
                && tooSmall.getMessage().contains("raise batch.max-bytes to at least 168000"), tooSmall.getMessage());
    }

    @Test
    void aByteLimitSplitsTheJobIntoMoreCallsWithTheSameResults() {
        String input = TestData.writeParquet(dir, TestData.rows(30, 30), TestData.SCHEMA);
        String model = TestModels.savedModel(dir, 2, 4, 6, 3).toString();
        String[] job = {"input.path=" + input, "input.series-id=id", "input.timestamp=ts", "input.features=x0,x1",
                "model.path=" + model, "outputs.h=hidden_state", "input.partitions=1"};
        RunReport whole = Jobs.run(null, concat(job, "output.path=" + dir.resolve("whole")));
        // input 6x2 floats twice (96 bytes) + h 4 floats (16) = 112 bytes a window: 300 bytes fit 2 windows.
        RunReport split = Jobs.run(null, concat(job, "output.path=" + dir.resolve("split"), "batch.max-bytes=300"));
        assertEquals(1, whole.counts().batches());
        assertEquals(50, split.counts().windowsWritten());
        assertEquals(25, split.counts().batches(), "50 windows, 2 per call");
        var a = TestSpark.session().read().parquet(dir.resolve("whole").toString());
        var b = TestSpark.session().read().parquet(dir.resolve("split").toString());
        assertEquals(0, a.except(b).count() + b.except(a).count());
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
