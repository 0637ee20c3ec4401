package io.lstmspark.driver;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.row_number;

import io.lstmspark.config.JobConfig;
import io.lstmspark.config.WindowMode;
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
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.collection.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The data of the HTML report's charts: a bounded sample of the written output and of the input, read back
 * on the driver before publish. The sample is the first series ids in order, so every run of the same input
 * draws the same series.
 */
final class ReportSamples {

    static final int FORECAST_SERIES = 6;
    static final int STATE_SERIES = 3;
    /** Times (windows or steps) of a state heatmap: the series' last ones. */
    static final int STATE_TIMES = 200;
    static final int STATE_UNITS = 64;

    /** Spark's local property behind setJobDescription: what the Spark UI shows for a job. */
    private static final String JOB_DESCRIPTION = "spark.job.description";
    private static final Logger LOG = LoggerFactory.getLogger(ReportSamples.class);

    private final JobConfig config;
    private final CheckedModel model;
    private final InputSteps input;
    private final Dataset<Row> written;

    private ReportSamples(JobConfig config, CheckedModel model, InputSteps input, Dataset<Row> written) {
        this.config = config;
        this.model = model;
        this.input = input;
        this.written = written;
    }

    /** The sample for the mode's charts; a failure to read it costs the charts, not the run. */
    static ChartSamples gather(SparkSession spark, JobConfig config, CheckedModel model, InputSteps input,
                               Dataset<Row> written) {
        String before = spark.sparkContext().getLocalProperty(JOB_DESCRIPTION);
        spark.sparkContext().setJobDescription("lstm-spark report: sample of the output and input for the HTML "
                + "report's charts");
        try {
            ReportSamples samples = new ReportSamples(config, model, input, written);
            return config.mode() == WindowMode.FORECAST ? samples.forecasts() : samples.states();
        } catch (RuntimeException e) {
            LOG.warn("Run report: cannot read the sample for the charts", e);
            return ChartSamples.none("No charts: the sample of the output could not be read (" + e + ")");
        } finally {
            spark.sparkContext().setJobDescription(before);
        }
    }

    /** Forecast mode: per sampled series, the forecast after the last steps of the feature it forecasts. */
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
                .orderBy(OutputSchema.SERIES_ID).limit(FORECAST_SERIES).collectAsList();
    }

    /** The column of forecast.actuals, else the first output with one value per step that is not a state tap. */
    private Optional<String> forecastColumn() {
        if (!config.forecastActuals().isEmpty()) {
            return Optional.of(config.forecastActuals().keySet().iterator().next());
        }
        return model.call().outputs().stream().filter(o -> o.rank() <= 1 && !isTap(o))
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

    /** Extract and stream modes: a hidden state of the first series over their last times. */
    private ChartSamples states() {
        Optional<ModelCall.FetchedOutput> column = stateColumn();
        if (column.isEmpty()) {
            return ChartSamples.none("No state heatmap: no output holds a state (name a state tap, e.g. "
                    + "outputs.h = \"lstm:0.h\").");
        }
        String name = column.get().column();
        List<String> fields = List.of(written.schema().fieldNames());
        boolean chunks = fields.contains("chunk_index");
        String timeKey = chunks ? "chunk_index" : config.mode() == WindowMode.STREAM ? "step" : OutputSchema.WINDOW_END;
        int depth = depth(written.schema().apply(name).dataType());
        boolean perTime = chunks ? depth == 2
                : config.mode() == WindowMode.STREAM ? depth == 1 : depth == 1 || depth == 2;
        if (!perTime) {
            return ChartSamples.none("No state heatmap: column " + name + " holds no vector per time.");
        }
        Object[] ids = written.select(OutputSchema.SERIES_ID).distinct().orderBy(OutputSchema.SERIES_ID)
                .limit(STATE_SERIES).collectAsList().stream().map(r -> r.get(0)).toArray();
        Column key = col(timeKey);
        List<Row> rows = written.where(col(OutputSchema.SERIES_ID).isin(ids))
                .withColumn("_r", row_number()
                        .over(Window.partitionBy(col(OutputSchema.SERIES_ID)).orderBy(key.desc())))
                .where(col("_r").leq(STATE_TIMES))
                .select(col(OutputSchema.SERIES_ID), key, col(name), chunks ? col("steps") : col("_r"))
                .collectAsList();
        List<ChartSamples.StateSample> samples = new ArrayList<>();
        for (Object id : ids) {
            // Oldest first: chunks by index; windows and steps by their rank from the latest, descending.
            Comparator<Row> oldestFirst = chunks ? Comparator.comparingLong(r -> r.getLong(1))
                    : Comparator.comparingInt(r -> -r.getInt(3));
            List<Row> series = rows.stream().filter(r -> r.get(0).equals(id)).sorted(oldestFirst).toList();
            samples.add(stateSample(String.valueOf(id), name, series, chunks, depth));
        }
        String times = config.mode() == WindowMode.STREAM ? "steps" : "windows";
        return new ChartSamples(List.of(), samples, "The first " + samples.size() + " series in order of series id: "
                + name + " over their last " + STATE_TIMES + " " + times + " (at most), first " + STATE_UNITS
                + " units.");
    }

    private ChartSamples.StateSample stateSample(String id, String column, List<Row> rows, boolean chunks, int depth) {
        List<double[]> times = new ArrayList<>();
        long firstTime = 0;
        for (Row row : rows) {
            List<?> value = row.getList(2);
            if (chunks) {
                int real = row.getInt(3);
                for (int s = 0; s < real; s++) {
                    times.add(units(list(value.get(s))));
                }
            } else {
                times.add(units(depth == 2 ? list(value.get(value.size() - 1)) : value));
            }
        }
        if (!rows.isEmpty() && config.mode() == WindowMode.STREAM) {
            firstTime = chunks ? rows.get(0).getLong(1) * model.windowLength() : rows.get(0).getLong(1);
        }
        int drop = Math.max(0, times.size() - STATE_TIMES);
        List<double[]> last = times.subList(drop, times.size());
        String axis = config.mode() == WindowMode.STREAM ? "step of the series" : "window (the oldest shown = 0)";
        return new ChartSamples.StateSample(id, column, axis, firstTime + drop, last.toArray(double[][]::new));
    }

    /** The state taps' hidden state first (h, then per-step sequence, then any tap), else the widest output. */
    private Optional<ModelCall.FetchedOutput> stateColumn() {
        List<ModelCall.FetchedOutput> outputs = model.call().outputs();
        for (String suffix : List.of(".h", ".sequence", "")) {
            Optional<ModelCall.FetchedOutput> tap = outputs.stream()
                    .filter(o -> isTap(o) && o.ref().endsWith(suffix)).findFirst();
            if (tap.isPresent()) {
                return tap;
            }
        }
        return outputs.stream().filter(o -> o.rank() >= 1 && o.windowShape()[o.rank() - 1] >= 2)
                .max(Comparator.comparingLong(o -> o.windowShape()[o.rank() - 1]));
    }

    private static boolean isTap(ModelCall.FetchedOutput output) {
        return output.ref().startsWith("lstm:");
    }

    private static int depth(DataType type) {
        return type instanceof ArrayType array ? 1 + depth(array.elementType()) : 0;
    }

    private static double[] units(List<?> vector) {
        double[] units = new double[Math.min(STATE_UNITS, vector.size())];
        for (int u = 0; u < units.length; u++) {
            units[u] = ((Number) vector.get(u)).doubleValue();
        }
        return units;
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
