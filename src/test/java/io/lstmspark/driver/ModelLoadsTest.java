package io.lstmspark.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lstmspark.report.RunReport;
import io.lstmspark.testing.Jobs;
import io.lstmspark.testing.TestData;
import io.lstmspark.testing.TestModels;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One TensorFlow session per model per executor JVM, however many tasks use it. */
class ModelLoadsTest {

    @TempDir
    Path dir;

    @Test
    void twoConcurrentTasksLoadTheModelOnceAndLaterJobsReuseIt() {
        long loadsBefore = io.lstmspark.model.ModelCache.loadCount();
        String input = TestData.writeParquet(dir, TestData.rows(40, 40, 40, 40, 40, 40), TestData.SCHEMA);
        // A model no other test has loaded: its path and fingerprint are new to this JVM.
        String model = TestModels.savedModel(dir, 2, 4, 6, 99).toString();
        String[] job = {"input.path=" + input, "input.series-id=id", "input.timestamp=ts", "input.features=[x0, x1]",
                "model.path=" + model, "outputs.h=hidden_state", "input.partitions=2", "batch.size=8"};

        RunReport first = Jobs.run(null, append(job, "output.path=" + dir.resolve("first")));
        assertEquals(2, first.executors().get("driver").tasks(), "both partitions ran in the local executor");
        assertEquals(1, io.lstmspark.model.ModelCache.loadCount() - loadsBefore, "one load in this JVM");
        assertEquals(1, first.modelLoads().driver(), "the driver's check loaded the session...");
        assertEquals(0, first.modelLoads().executors(), "...which the local executor's tasks shared");
        assertTrue(first.counts().batches() > 2, "several batches per task");

        RunReport second = Jobs.run(null, append(job, "output.path=" + dir.resolve("second")));
        assertEquals(0, second.modelLoads().driver() + second.modelLoads().executors(),
                "the JVM's session is reused by the next job");
        assertEquals(1, io.lstmspark.model.ModelCache.loadCount() - loadsBefore);
        assertEquals(first.counts().windowsWritten(), second.counts().windowsWritten());
    }

    private static String[] append(String[] args, String more) {
        String[] all = java.util.Arrays.copyOf(args, args.length + 1);
        all[args.length] = more;
        return all;
    }
}
