package io.lstmspark.output;

import java.io.Serializable;
import java.util.Map;

/**
 * What one task did, sent to the driver through an accumulator when the task ends.
 *
 * @param executorId     Spark executor id ("driver" in local mode)
 * @param partition      partition index
 * @param inputRows      input rows (steps) read
 * @param series         series seen, skipped ones included
 * @param windows        windows evaluated and written
 * @param batches        TensorFlow session runs
 * @param modelLoads     1 if this task loaded the model into its JVM, else 0
 * @param seriesSkipped  series that gave no window, by reason
 * @param threads        the session's TensorFlow thread settings
 * @param modelNanos     time spent in session runs
 * @param taskNanos      time from the task's first row to its last output row
 */
public record TaskStats(String executorId, int partition, long inputRows, long series, long windows, long batches,
                        long modelLoads, Map<String, Long> seriesSkipped, String threads, long modelNanos,
                        long taskNanos) implements Serializable {
    public TaskStats {
        seriesSkipped = Map.copyOf(seriesSkipped);
    }
}
