package io.lstmspark.driver;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;

import io.lstmspark.config.ConfigException;
import io.lstmspark.config.JobConfig;
import io.lstmspark.config.WindowMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * The steps in the order tasks need them: partitioned by series, sorted within each partition, with
 * the forecast cutoff flagged (window modes) or the chunk index added (stream mode).
 */
final class StepOrdering {

    /** Flags a row after forecast.cutoff; present only when a cutoff is set in forecast mode. */
    static final String AFTER_CUTOFF_COLUMN = "_lstm_spark_after_cutoff";
    private static final String CHUNK_COLUMN = "_lstm_spark_chunk";

    private final SparkSession spark;
    private final JobConfig config;

    StepOrdering(SparkSession spark, JobConfig config) {
        this.spark = spark;
        this.config = config;
    }

    /**
     * Steps partitioned by series and sorted by time, then by feature values (ascending, nulls last), so
     * that of two rows at one timestamp the same one is kept in every run. Rows after the forecast cutoff
     * are flagged, not filtered: tasks check them first and count them.
     */
    Dataset<Row> sortedSteps(InputSteps input) {
        JobConfig.Input in = config.input();
        Dataset<Row> steps = input.steps();
        Optional<Column> upToCutoff = Optional.empty();
        if (config.mode() == WindowMode.FORECAST && config.forecastCutoff().isPresent()) {
            Column cutoff = cutoff(config.forecastCutoff().get(), input.timestampType());
            steps = steps.withColumn(AFTER_CUTOFF_COLUMN, col(in.timestamp()).gt(cutoff));
            upToCutoff = Optional.of(col(in.timestamp()).leq(cutoff));
        }
        List<Column> order = new ArrayList<>(List.of(col(in.seriesId()), col(in.timestamp())));
        in.features().forEach(feature -> order.add(col(feature).asc_nulls_last()));
        return ScalingPlan.withFittedParams(bySeries(steps), config, upToCutoff)
                .sortWithinPartitions(order.toArray(Column[]::new));
    }

    /**
     * Steps numbered within their series and sorted chunk-major: (chunk index, series, timestamp), so
     * that a task meets the first chunk of every series, then the second, and so on. The chunk index is
     * the last column.
     */
    Dataset<Row> chunkMajorSteps(InputSteps input, int chunkLength) {
        JobConfig.Input in = config.input();
        Column step = row_number().over(Window.partitionBy(col(in.seriesId())).orderBy(col(in.timestamp()))).minus(1);
        return ScalingPlan.withFittedParams(bySeries(input.steps()), config, Optional.empty())
                .withColumn(CHUNK_COLUMN, floor(step.divide(chunkLength)).cast(DataTypes.LongType))
                .sortWithinPartitions(col(CHUNK_COLUMN), col(in.seriesId()), col(in.timestamp()));
    }

    /**
     * Steps hashed by series into input.partitions; by default into Spark's shuffle partitions, which
     * adaptive execution merges by size: a few dozen series hashed straight into one partition per
     * task slot can leave one task with far more windows than another (BENCHMARKS.md).
     */
    private Dataset<Row> bySeries(Dataset<Row> steps) {
        Column series = col(config.input().seriesId());
        return config.input().partitions() > 0 ? steps.repartition(config.input().partitions(), series)
                : steps.repartition(series);
    }

    /** The cutoff as a literal of the timestamp column's type, checked here rather than in every task. */
    private Column cutoff(String cutoff, DataType timestampType) {
        return lit(cutoffValue(cutoff, timestampType));
    }

    /** forecast.cutoff as a value of the timestamp column's type; refused when it is not one. */
    Object cutoffValue(String cutoff, DataType timestampType) {
        Column literal = lit(cutoff).cast(timestampType);
        Row value;
        try {
            value = spark.range(1).select(literal).first();
        } catch (RuntimeException e) {
            value = null;
        }
        if (value == null || value.isNullAt(0)) {
            throw new ConfigException("forecast.cutoff '" + cutoff + "' is not a valid " + timestampType.simpleString()
                    + " (the type of input.timestamp '" + config.input().timestamp() + "')");
        }
        return value.get(0);
    }
}
