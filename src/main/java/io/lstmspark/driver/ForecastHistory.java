package io.lstmspark.driver;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.timestamp_micros;
import static org.apache.spark.sql.functions.unix_micros;

import io.lstmspark.config.ForecastSettings;
import io.lstmspark.config.JobConfig;
import io.lstmspark.config.WindowMode;
import io.lstmspark.report.RunReport;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forecast mode reads only the history its windows can use: the steps from {@code cutoff - lookback}
 * to the cutoff, as a plain predicate on the timestamp column, which Spark pushes to the Parquet scan
 * (row groups whose statistics lie outside are skipped, date-partition folders pruned). The lookback
 * is forecast.lookback, or window.length steps of forecast.frequency; without either, everything is read.
 */
final class ForecastHistory {

    private static final Logger LOG = LoggerFactory.getLogger(ForecastHistory.class);

    private final Optional<Column> filter;
    private final RunReport.ForecastRead report;
    /** The Parquet files that hold the history, when their statistics leave out others. */
    private final Optional<List<String>> files;
    private final SparkSession spark;
    private final JobConfig.Input in;

    private ForecastHistory(Optional<Column> filter, RunReport.ForecastRead report) {
        this(filter, report, Optional.empty(), null, null);
    }

    private ForecastHistory(Optional<Column> filter, RunReport.ForecastRead report, Optional<List<String>> files,
                            SparkSession spark, JobConfig.Input in) {
        this.filter = filter;
        this.report = report;
        this.files = files;
        this.spark = spark;
        this.in = in;
    }

    /** Decides the filter; the latest timestamp, when it is the cutoff, takes one aggregate over the input. */
    static ForecastHistory plan(SparkSession spark, JobConfig config, InputSteps input, int windowLength) {
        if (config.mode() != WindowMode.FORECAST) {
            return new ForecastHistory(Optional.empty(), null);
        }
        Optional<Duration> history = config.forecastLookback().history(windowLength);
        String timestamp = config.input().timestamp();
        DataType type = input.timestampType();
        boolean filterable = type.equals(DataTypes.TimestampType) || type.equals(DataTypes.TimestampNTZType)
                || type.equals(DataTypes.DateType);
        if (history.isEmpty() || !filterable || input.textTimestamp()) {
            LOG.info("Forecast mode reads every input row: {}", history.isEmpty()
                    ? "set forecast.frequency (or forecast.lookback) to read only the last window's history"
                    : "input.timestamp '" + timestamp + "' is " + (input.textTimestamp() ? "text, parsed after the read"
                    : type.simpleString()) + ", which the history filter does not take");
            return new ForecastHistory(Optional.empty(), new RunReport.ForecastRead("none: every row is read", null,
                    config.forecastCutoff().orElse(null), config.forecastCutoff().isPresent() ? "forecast.cutoff"
                    : "latest", null, 0, 0, null));
        }
        long started = System.nanoTime();
        Optional<List<TimestampStatistics>> statistics = type.equals(DataTypes.TimestampType)
                ? statistics(input.footers()) : Optional.empty();
        Object cutoff;
        String cutoffSource;
        if (config.forecastCutoff().isPresent()) {
            cutoff = new StepOrdering(spark, config).cutoffValue(config.forecastCutoff().get(), type);
            cutoffSource = "forecast.cutoff";
        } else if (statistics.isPresent() && statistics.get().stream().anyMatch(TimestampStatistics::rows)) {
            long latest = statistics.get().stream().filter(TimestampStatistics::rows)
                    .mapToLong(TimestampStatistics::maxMicros).max().orElseThrow();
            cutoff = spark.range(1).select(timestamp_micros(lit(latest)).cast(type)).first().get(0);
            cutoffSource = "latest timestamp of the input (Parquet statistics)";
        } else {
            Row latest = input.steps().agg(max(col(timestamp))).first();
            cutoff = latest.isNullAt(0) ? null : latest.get(0);
            cutoffSource = "latest timestamp of the input";
        }
        long cutoffMillis = (System.nanoTime() - started) / 1_000_000;
        if (cutoff == null) {
            return new ForecastHistory(Optional.empty(), new RunReport.ForecastRead("none: the input has no "
                    + "timestamps", null, null, cutoffSource, null, 0, cutoffMillis, null));
        }
        // Evaluated here, so that the scan gets a literal (a date bound is floored to the day: a little more is read).
        Object from = spark.range(1).select(lit(cutoff).minus(expr("INTERVAL '" + history.get().toSeconds()
                + "' SECOND")).cast(type)).first().get(0);
        Column ts = col(timestamp);
        // Rows after the cutoff are read when the run needs them: future covariates, a backtest's actuals.
        boolean afterCutoff = readsAfterCutoff(config);
        // Rows without a timestamp are read too: tasks report them as they would without the filter.
        Column predicate = ts.isNull().or(afterCutoff ? ts.geq(lit(from)) : ts.geq(lit(from)).and(ts.leq(lit(cutoff))));
        String lookback = config.forecastLookback().lookback().map(Duration::toString)
                .orElse(history.get() + " (" + (config.forecastLookback().lookbackSteps().isPresent()
                        ? config.forecastLookback().lookbackSteps().getAsLong() : windowLength)
                        + " steps of forecast.frequency)");
        LOG.info("Forecast mode reads the steps from {} to {} ({} of {}): {}", from, cutoff, cutoffSource, timestamp,
                lookback);
        Optional<List<String>> files = statistics.isEmpty() || afterCutoff || !prunable(spark, config.input().path())
                ? Optional.empty() : neededFiles(spark, input.footers().orElseThrow(), from, cutoff);
        files.ifPresent(needed -> LOG.info("Forecast mode reads {} of the input's {} Parquet files, the others' "
                + "timestamps lie outside", needed.size(), input.footers().orElseThrow().timestamps().size()));
        return new ForecastHistory(Optional.of(predicate), new RunReport.ForecastRead(predicate.toString(),
                String.valueOf(from), String.valueOf(cutoff), cutoffSource, lookback, 0, cutoffMillis,
                files.map(needed -> needed.size() + " of " + input.footers().orElseThrow().timestamps().size())
                        .orElse(null)), files, spark, config.input());
    }

    /**
     * Whether the rows after the cutoff are read too: a recursive horizon takes the features it does not feed
     * back from them, and a backtest (forecast.actuals) compares the forecasts with them.
     */
    private static boolean readsAfterCutoff(JobConfig config) {
        ForecastSettings forecast = config.forecast();
        boolean covariates = forecast.recursive() && forecast.feedback().size() < config.input().features().size();
        return covariates || !config.forecastActuals().isEmpty();
    }

    /** Every readable file's timestamp range, when the statistics of all give one. */
    private static Optional<List<TimestampStatistics>> statistics(Optional<InputFiles.Footers> footers) {
        if (footers.isEmpty() || footers.get().timestamps().isEmpty()
                || footers.get().timestamps().values().stream().anyMatch(Optional::isEmpty)) {
            return Optional.empty();
        }
        return Optional.of(footers.get().timestamps().values().stream().map(Optional::orElseThrow).toList());
    }

    /** The files that may hold a row of [from, cutoff] or one without timestamp; empty when that is all of them. */
    private static Optional<List<String>> neededFiles(SparkSession spark, InputFiles.Footers footers, Object from,
                                                      Object cutoff) {
        Row bounds = spark.range(1).select(unix_micros(lit(from).cast(DataTypes.TimestampType)),
                unix_micros(lit(cutoff).cast(DataTypes.TimestampType))).first();
        List<String> needed = footers.timestamps().entrySet().stream()
                .filter(e -> e.getValue().orElseThrow().needed(bounds.getLong(0), bounds.getLong(1)))
                .map(Map.Entry::getKey).toList();
        return needed.isEmpty() || needed.size() == footers.timestamps().size() ? Optional.empty()
                : Optional.of(needed);
    }

    /** A directory (no glob), under which files can be named one by one with the directory as basePath. */
    private static boolean prunable(SparkSession spark, String path) {
        if (path.matches(".*[*?\\[{].*")) {
            return false;
        }
        try {
            Path dir = new Path(path);
            return dir.getFileSystem(spark.sessionState().newHadoopConf()).getFileStatus(dir).isDirectory();
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** The input, filtered to the history when there is a filter. */
    InputSteps apply(InputSteps input) {
        if (filter.isEmpty()) {
            return input;
        }
        return files.isPresent() ? input.filtered(filter.get(), spark, in, files.get()) : input.filtered(filter.get());
    }

    boolean filters() {
        return filter.isPresent();
    }

    /** For the run report; null outside forecast mode. */
    RunReport.ForecastRead report(long rowsRead) {
        return report == null ? null : new RunReport.ForecastRead(report.filter(), report.from(), report.cutoff(),
                report.cutoffSource(), report.lookback(), rowsRead, report.cutoffMillis(), report.files());
    }
}
