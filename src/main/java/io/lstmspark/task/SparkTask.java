package io.lstmspark.task;

import io.lstmspark.report.TaskStats;
import java.util.Iterator;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;
import org.apache.spark.util.TaskCompletionListener;

/**
 * The function Spark runs on each sorted partition, in every mode: it takes the task's identity and
 * hooks from Spark, then runs the plan's pipeline (windows, or chunks in stream mode). The only task
 * class that asks Spark where it runs.
 */
public final class SparkTask implements MapPartitionsFunction<Row, Row> {

    private final TaskPlan plan;
    private final LongAccumulator progress;
    private final CollectionAccumulator<TaskStats> taskStats;

    /**
     * @param progress  windows done, added as the task goes (see {@link TaskEnvironment#progress()})
     * @param taskStats every task's stats
     */
    public SparkTask(TaskPlan plan, LongAccumulator progress, CollectionAccumulator<TaskStats> taskStats) {
        this.plan = plan;
        this.progress = progress;
        this.taskStats = taskStats;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        TaskContext task = TaskContext.get();
        SparkEnv env = SparkEnv.get();
        TaskIdentity identity = new TaskIdentity(task.partitionId(), task.attemptNumber(), task.taskAttemptId(),
                env.executorId(), env.blockManager().blockManagerId().host(), ProcessHandle.current().pid());
        TaskEnvironment environment = new TaskEnvironment(identity,
                action -> task.addTaskCompletionListener((TaskCompletionListener) context -> action.run()),
                progress::add, taskStats::add);
        return plan instanceof StreamPlan stream ? new StreamPipeline(rows, stream, environment)
                : new WindowPipeline(rows, (ExecutionPlan) plan, environment);
    }
}
