package io.lstmspark.task;

import io.lstmspark.report.TaskStats;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * What a task pipeline gets from whatever runs it: its identity, and where its end goes. Spark's
 * (see {@link SparkTask}) registers task-completion listeners and adds to accumulators; a test's
 * collects, so a pipeline runs without a SparkSession.
 *
 * @param atTaskEnd runs the given action when the task ends, however it ends (a failure, or a consumer
 *                  that stops pulling rows)
 * @param progress  takes, after each batch and when the task ends, the windows done since it last took
 *                  some (written by the first pass, cut by the quarantine pass): for the driver's progress
 * @param stats     takes the task's stats when its last row is out
 */
record TaskEnvironment(TaskIdentity identity, Consumer<Runnable> atTaskEnd, LongConsumer progress,
                       Consumer<TaskStats> stats) {
}
