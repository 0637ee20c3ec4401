package io.lstmspark.task;

import io.lstmspark.report.TaskStats;
import java.util.Iterator;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;

/** The function Spark runs on each chunk-major partition in stream mode: a {@link StreamPipeline} per task. */
public final class StreamInference implements MapPartitionsFunction<Row, Row> {

    private final StreamPlan plan;
    private final LongAccumulator progress;
    private final CollectionAccumulator<TaskStats> taskStats;

    public StreamInference(StreamPlan plan, LongAccumulator progress, CollectionAccumulator<TaskStats> taskStats) {
        this.plan = plan;
        this.progress = progress;
        this.taskStats = taskStats;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        return new StreamPipeline(rows, plan, progress, taskStats);
    }
}
