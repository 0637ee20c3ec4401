package io.lstmspark.report;

import java.io.Serializable;
import java.util.Map;

/**
 * What one task did, sent to the driver through an accumulator when the task ends.
 *
 * @param executorId         Spark executor id ("driver" in local mode)
 * @param host               the executor's host, as Spark names it
 * @param pid                the executor JVM's process id
 * @param partition          partition index
 * @param inputRows          input rows read
 * @param rowsRejected       rows that could take no place in a series, by reason
 * @param rowsWithBadValues  rows placed in their series whose values cannot be fed, by reason
 * @param series             series seen, skipped ones included
 * @param gaps               gaps wider than window.max-gap
 * @param skipped            series or segments that gave no window, by reason
 * @param windowsCut         windows cut: written + quarantined
 * @param windowsWritten     windows evaluated and written
 * @param windowsQuarantined windows left out, by reason
 * @param batches            TensorFlow session runs
 * @param modelLoads         1 if this task loaded the model into its JVM, else 0
 * @param threads            the session's TensorFlow thread settings
 * @param modelNanos         time spent in session runs
 * @param taskNanos          time from the task's first row to its last output row
 * @param peakCarriedStates  stream mode: most series whose LSTM state the task held at once
 * @param nanOutputs         windows whose output column holds NaN or infinite values, by column
 * @param rowsAfterCutoff    forecast mode: rows with a valid key after forecast.cutoff, not used
 */
public record TaskStats(String executorId, String host, long pid, int partition, long inputRows, Map<String, Long> rowsRejected,
                        Map<String, Long> rowsWithBadValues, long series, long gaps, Map<String, Long> skipped,
                        long windowsCut, long windowsWritten, Map<String, Long> windowsQuarantined, long batches,
                        long modelLoads, String threads, long modelNanos, long taskNanos, long peakCarriedStates,
                        Map<String, Long> nanOutputs, long rowsAfterCutoff)
        implements Serializable {
    public TaskStats {
        rowsRejected = Map.copyOf(rowsRejected);
        rowsWithBadValues = Map.copyOf(rowsWithBadValues);
        skipped = Map.copyOf(skipped);
        windowsQuarantined = Map.copyOf(windowsQuarantined);
        nanOutputs = Map.copyOf(nanOutputs);
    }

    /** Quarantine records this task's input gives: rejected rows, rows with bad values, windows left out. */
    public long quarantineRecords() {
        return sum(rowsRejected) + sum(rowsWithBadValues) + sum(windowsQuarantined);
    }

    static long sum(Map<String, Long> counts) {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }
}
