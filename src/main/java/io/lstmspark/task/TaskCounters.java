package io.lstmspark.task;

import io.lstmspark.report.TaskStats;
import java.util.HashMap;
import java.util.Map;
import org.apache.spark.SparkEnv;

/** One task's running counts, turned into {@link TaskStats} when the task ends. */
final class TaskCounters {
    long inputRows;
    long rowsAfterCutoff;
    long windowsCut;
    long windowsWritten;
    long batches;
    long modelLoads;
    long modelNanos;
    long peakCarriedStates;
    final Map<String, Long> rowsRejected = new HashMap<>();
    final Map<String, Long> rowsWithBadValues = new HashMap<>();
    final Map<String, Long> skipped = new HashMap<>();
    final Map<String, Long> windowsQuarantined = new HashMap<>();
    /** Windows whose output column holds NaN or infinite values, by column (written, set aside or failed). */
    final Map<String, Long> nanOutputs = new HashMap<>();

    static void count(Map<String, Long> counts, String reason) {
        counts.merge(reason, 1L, Long::sum);
    }

    /** The task's stats, with the executor JVM it ran in. */
    TaskStats toStats(int partition, long series, long gaps, String threads, long taskNanos) {
        SparkEnv env = SparkEnv.get();
        return new TaskStats(env.executorId(), env.blockManager().blockManagerId().host(), ProcessHandle.current().pid(),
                partition, inputRows, rowsRejected, rowsWithBadValues, series, gaps, skipped,
                windowsCut, windowsWritten, windowsQuarantined, batches, modelLoads, threads, modelNanos, taskNanos,
                peakCarriedStates, nanOutputs, rowsAfterCutoff);
    }
}
