package io.lstmspark.driver;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.row_number;

import io.lstmspark.config.JobConfig;
import io.lstmspark.model.ModelCall;
import io.lstmspark.output.OutputSchema;
import io.lstmspark.report.html.ChartSamples;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.collection.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The data of the HTML report's forecast charts in forecast mode: the first series' forecasts, read back from
 * the written output, and their history and actuals from the input, on the driver before publish. The sample
 * is the first series ids in order, so every run of the same input draws the same series. (Extract and stream
 * modes' heatmaps are sampled by the tasks: {@link StateSample}.)
 */
final class ForecastSample {

    static final int SERIES = 6;

    /** Spark's local property behind setJobDescription: what the Spark UI shows for a job. */
    private static final String JOB_DESCRIPTION = "spark.job.description";
    private static final Logger LOG = LoggerFactory.getLogger(ForecastSample.class);

    private final JobConfig config;
    private final CheckedModel model;
    private final InputSteps input;
    private final Dataset<Row> written;

    private ForecastSample(JobConfig config, CheckedModel model, InputSteps input, Dataset<Row> written) {
        this.config = config;
        this.model = model;
        this.input = input;
        this.written = written;
    }

    /** The sample for the forecast charts; a failure to read it costs the charts, not the run. */
    static ChartSamples gather(SparkSession spark, JobConfig config, CheckedModel model, InputSteps input,
                               Dataset<Row> written) {
        String before = spark.sparkContext().getLocalProperty(JOB_DESCRIPTION);
        spark.sparkContext().setJobDescription("lstm-spark report: sample of the output and input for the HTML "
                + "report's charts");
        try {
            return new ForecastSample(config, model, input, written).forecasts();
        } catch (RuntimeException e) {
            LOG.warn("Run report: cannot read the sample for the charts", e);
            return ChartSamples.none("No charts: the sample of the output could not be read (" + e + ")");
        } finally {
            spark.sparkContext().setJobDescription(before);
        }
    }

    /** Per sampled series, the forecast after the last steps of the feature it forecasts. */
    private ChartSamples forecasts() {
        Optional<String> column = forecastColumn();
        if (column.isEmpty()) {
            return ChartSamples.none("No forecast chart: no output column holds one value per forecast step.");
        }
        String feature = config.forecastActuals().getOrDefault(column.get(),
                config.input().features().size() == 1 ? config.input().features().get(0) : null);
        List<Row> rows = firstForecasts(column.get());
        int historySteps = Math.max(16, Math.min(200, 4 * model.windowLength()));
        Map<Object, List<Double>> history = new LinkedHashMap<>();
        Map<Object, List<Double>> after = new LinkedHashMap<>();
        if (feature != null && !rows.isEmpty()) {
            int horizon = rows.stream().mapToInt(r -> values(r.get(2)).length).max().orElse(1);
            Object[] ids = rows.stream().map(r -> r.get(0)).toArray();
            history = featureSteps(ids, feature, false, historySteps);
            after = featureSteps(ids, feature, true, horizon);
        }
        List<ChartSamples.ForecastSample> samples = new ArrayList<>();
        for (Row row : rows) {
            samples.add(new ChartSamples.ForecastSample(String.valueOf(row.get(0)), column.get(), feature,
                    String.valueOf(row.get(1)), doubles(history.get(row.get(0))), values(row.get(2)),
                    doubles(after.get(row.get(0)))));
        }
        return new ChartSamples(samples, List.of(), "The first " + samples.size() + " series in order of series id: "
                + column.get() + (feature == null ? " (no feature known to match it: set forecast.actuals."
                + column.get() + " to draw the history)" : " after the last " + historySteps + " steps of " + feature
                + (config.forecastActuals().containsKey(column.get()) ? ", with the actual steps after the window"
                : "")));
    }

    /**
     * (series id, window end, forecast) of the first series in order: one row per series, the forecast an array
     * whose value k is step k after the window's end (as {@link BacktestPass} reads it), or one value.
     */
    private List<Row> firstForecasts(String column) {
        return written.select(col(OutputSchema.SERIES_ID), col(OutputSchema.WINDOW_END), col(column))
                .orderBy(OutputSchema.SERIES_ID).limit(SERIES).collectAsList();
    }

    /** The column of forecast.actuals, else the first output with one value per step that is not a state tap. */
    private Optional<String> forecastColumn() {
        if (!config.forecastActuals().isEmpty()) {
            return Optional.of(config.forecastActuals().keySet().iterator().next());
        }
        return model.call().outputs().stream().filter(o -> o.rank() <= 1 && !StateSample.isTap(o))
                .map(ModelCall.FetchedOutput::column).findFirst();
    }

    /** Per series: the feature's last {@code limit} steps up to its window's end, or first steps after it. */
    private Map<Object, List<Double>> featureSteps(Object[] ids, String feature, boolean afterEnd, int limit) {
        JobConfig.Input in = config.input();
        Dataset<Row> ends = written
                .select(col(OutputSchema.SERIES_ID).as("_s"), col(OutputSchema.WINDOW_END).as("_end"))
                .where(col("_s").isin(ids));
        Column time = col(in.timestamp());
        Dataset<Row> steps = input.steps().where(col(in.seriesId()).isin(ids))
                .join(broadcast(ends), col(in.seriesId()).equalTo(col("_s")))
                .where(afterEnd ? time.gt(col("_end")) : time.leq(col("_end")));
        Column order = afterEnd ? time.asc() : time.desc();
        List<Row> rows = steps.withColumn("_r", row_number().over(Window.partitionBy(col("_s")).orderBy(order)))
                .where(col("_r").leq(limit)).select(col("_s"), col("_r"), col(feature)).collectAsList();
        Map<Object, List<Double>> bySeries = new LinkedHashMap<>();
        rows.stream().sorted(Comparator.comparingInt(r -> afterEnd ? r.getInt(1) : -r.getInt(1)))
                .forEach(r -> bySeries.computeIfAbsent(r.get(0), k -> new ArrayList<>())
                        .add(r.isNullAt(2) ? Double.NaN : r.getDouble(2)));
        return bySeries;
    }

    /** A forecast cell: an array of values, or one value. */
    private static double[] values(Object cell) {
        if (cell instanceof List<?> || cell instanceof Seq<?>) {
            return list(cell).stream().mapToDouble(v -> v == null ? Double.NaN : ((Number) v).doubleValue()).toArray();
        }
        return new double[] {cell == null ? Double.NaN : ((Number) cell).doubleValue()};
    }

    /** An array cell: Spark hands nested levels (and Row.get's top level) over as Scala sequences. */
    private static List<?> list(Object cell) {
        return cell instanceof Seq<?> seq ? CollectionConverters.asJava(seq) : (List<?>) cell;
    }

    private static double[] doubles(List<Double> values) {
        return values == null ? new double[0] : values.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
