package io.lstmspark.report;

import java.io.Serializable;

/**
 * What one task did, sent to the driver through an accumulator when the task ends: where it ran,
 * its counts, and its model facts and timings.
 *
 * @param executorId Spark executor id ("driver" in local mode)
 * @param host       the executor's host, as Spark names it
 * @param pid        the executor JVM's process id
 * @param partition  partition index
 * @param counts     the task's counts, handed over at its end (the task counts no more)
 * @param modelLoads 1 if this task loaded the model into its JVM, else 0
 * @param threads    the session's TensorFlow thread settings
 * @param modelNanos time spent in session runs
 * @param taskNanos  time from the task's first row to its last output row
 * @param gatesKernel whether the task's model computed LSTM gates in lstm-spark's kernel
 */
public record TaskStats(String executorId, String host, long pid, int partition, Counts counts,
                        long modelLoads, String threads, long modelNanos, long taskNanos,
                        boolean gatesKernel)
        implements Serializable {
}
