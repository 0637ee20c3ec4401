package io.lstmspark.driver;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.posexplode;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sqrt;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.lstmspark.config.ConfigException;
import io.lstmspark.config.JobConfig;
import io.lstmspark.model.ModelCall;
import io.lstmspark.output.OutputSchema;
import io.lstmspark.report.Backtest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backtest of forecast mode ({@code forecast.actuals}): the written forecasts joined by series with the
 * input's steps after each window's end, value k with the k-th step, and their errors aggregated by Spark.
 * The input is scanned once more; the forecasts, one row per series, are the join's small side (Spark broadcasts
 * them when they fit spark.sql.autoBroadcastJoinThreshold).
 */
final class BacktestPass {

    /** Spark's local property behind setJobDescription: what the Spark UI shows for a job. */
    private static final String JOB_DESCRIPTION = "spark.job.description";
    private static final Logger LOG = LoggerFactory.getLogger(BacktestPass.class);

    private BacktestPass() {
    }

    /**
     * Before any task runs: each compared column must hold one value per forecast step (rank 0 or 1; with
     * forecast.horizon, the horizon's own check has made it so).
     */
    static void checkColumns(JobConfig config, ModelCall call) {
        for (ModelCall.FetchedOutput output : call.outputs()) {
            if (config.forecastActuals().containsKey(output.column()) && output.rank() > 1
                    && !config.forecast().hasHorizon()) {
                throw new ConfigException("forecast.actuals." + output.column() + ": output '" + output.ref()
                        + "' has per-window shape " + Arrays.toString(output.windowShape())
                        + ", not one value per forecast step: name an output of shape [steps] or a scalar");
            }
        }
    }

    /** The errors of every column of forecast.actuals; null when there is none. */
    static Backtest run(SparkSession spark, JobConfig config, InputSteps input, Dataset<Row> written) {
        if (config.forecastActuals().isEmpty()) {
            return null;
        }
        String before = spark.sparkContext().getLocalProperty(JOB_DESCRIPTION);
        spark.sparkContext().setJobDescription("lstm-spark report: backtest errors of " + config.forecastActuals()
                + " (forecasts joined with the input's steps after their windows)");
        try {
            List<Backtest.ColumnErrors> columns = new ArrayList<>();
            for (Map.Entry<String, String> entry : config.forecastActuals().entrySet()) {
                columns.add(columnErrors(config, input, written, entry.getKey(), entry.getValue()));
            }
            return new Backtest(columns);
        } finally {
            spark.sparkContext().setJobDescription(before);
        }
    }

    private static Backtest.ColumnErrors columnErrors(JobConfig config, InputSteps input, Dataset<Row> written,
                                                      String column, String feature) {
        Dataset<Row> forecasts = forecastValues(written, column);
        Dataset<Row> windows = forecasts.groupBy("_s", "_end").agg(max("_k").as("_n"));
        Dataset<Row> actuals = actualsAfterWindows(config, input, feature, windows);
        Column f = col("_f");
        Column a = col("_a");
        Column error = abs(f.minus(a));
        Dataset<Row> perSeries = forecasts.join(actuals, new String[] {"_s", "_k"})
                .where(a.isNotNull().and(not(isnan(a))).and(not(isnan(f))))
                .select(col("_s"), error.as("_abs"), error.multiply(error).as("_sq"),
                        when(abs(f).plus(abs(a)).equalTo(0), lit(0.0))
                                .otherwise(error.multiply(200).divide(abs(f).plus(abs(a)))).as("_sm"))
                .groupBy("_s")
                .agg(count(lit(1)).as("_n"), sum("_abs").as("_abs"), sum("_sq").as("_sq"), sum("_sm").as("_sm"))
                .persist();
        try {
            Row total = perSeries.agg(count(lit(1)), sum("_n"), sum("_abs"), sum("_sq"), sum("_sm")).first();
            long points = total.isNullAt(1) ? 0 : total.getLong(1);
            Backtest.Errors overall = points == 0 ? new Backtest.Errors(0, 0, null, null, null)
                    : new Backtest.Errors(total.getLong(0), points, total.getDouble(2) / points,
                    Math.sqrt(total.getDouble(3) / points), total.getDouble(4) / points);
            if (points == 0) {
                LOG.warn("Backtest of {}: no step after any forecast's window holds {}: set forecast.cutoff before "
                        + "the input's last steps to compare forecasts with actuals", column, feature);
            }
            List<Backtest.SeriesErrors> series = new ArrayList<>();
            for (Row row : perSeries.orderBy("_s").limit(Backtest.SERIES_LISTED + 1).collectAsList()) {
                long n = row.getLong(1);
                series.add(new Backtest.SeriesErrors(String.valueOf(row.get(0)), n, row.getDouble(2) / n,
                        Math.sqrt(row.getDouble(3) / n), row.getDouble(4) / n));
            }
            boolean truncated = series.size() > Backtest.SERIES_LISTED;
            return new Backtest.ColumnErrors(column, feature, overall,
                    truncated ? series.subList(0, Backtest.SERIES_LISTED) : series, truncated);
        } finally {
            perSeries.unpersist();
        }
    }

    /**
     * (series {@code _s}, window end {@code _end}, step {@code _k} from 1, forecast value {@code _f}): value k of
     * an array column, or a scalar column's value as step 1. The one place that knows how the output lays out a
     * forecast's steps.
     */
    private static Dataset<Row> forecastValues(Dataset<Row> written, String column) {
        boolean perStep = written.schema().apply(column).dataType() instanceof ArrayType;
        Column values = perStep ? col(column) : array(col(column));
        return written.select(col(OutputSchema.SERIES_ID).as("_s"), col(OutputSchema.WINDOW_END).as("_end"),
                        posexplode(values).as(new String[] {"_pos", "_f"}))
                .select(col("_s"), col("_end"), col("_pos").plus(1).as("_k"),
                        col("_f").cast(DataTypes.DoubleType).as("_f"));
    }

    /**
     * (series {@code _s}, step {@code _k}, actual {@code _a}): the feature at the k-th distinct timestamp after
     * the window's end, for k up to the forecast's steps; of two rows at one timestamp the one the job's order
     * keeps (feature values ascending, nulls last).
     */
    private static Dataset<Row> actualsAfterWindows(JobConfig config, InputSteps input, String feature,
                                                   Dataset<Row> windows) {
        JobConfig.Input in = config.input();
        List<Column> order = new ArrayList<>();
        in.features().forEach(name -> order.add(col(name).asc_nulls_last()));
        Dataset<Row> after = input.steps()
                .join(windows, col(in.seriesId()).equalTo(col("_s")).and(col(in.timestamp()).gt(col("_end"))))
                .withColumn("_first", row_number().over(Window.partitionBy(col("_s"), col(in.timestamp()))
                        .orderBy(order.toArray(Column[]::new))))
                .where(col("_first").equalTo(1));
        return after.withColumn("_k", row_number().over(Window.partitionBy(col("_s")).orderBy(col(in.timestamp()))))
                .where(col("_k").leq(col("_n")))
                .select(col("_s"), col("_k"), col(feature).as("_a"));
    }
}
