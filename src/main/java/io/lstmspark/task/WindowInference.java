package io.lstmspark.task;

import io.lstmspark.report.TaskStats;
import java.util.Iterator;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;

/** The function Spark runs on each sorted partition: a {@link PartitionPipeline} per task. */
public final class WindowInference implements MapPartitionsFunction<Row, Row> {

    private final ExecutionPlan plan;
    private final LongAccumulator windowProgress;
    private final CollectionAccumulator<TaskStats> taskStats;

    public WindowInference(ExecutionPlan plan, LongAccumulator windowProgress, CollectionAccumulator<TaskStats> taskStats) {
        this.plan = plan;
        this.windowProgress = windowProgress;
        this.taskStats = taskStats;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> steps) {
        return new PartitionPipeline(steps, plan, windowProgress, taskStats);
    }
}
