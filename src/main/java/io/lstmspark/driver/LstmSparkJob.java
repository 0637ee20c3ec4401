package io.lstmspark.driver;

import io.lstmspark.config.JobConfig;
import io.lstmspark.config.WindowMode;
import io.lstmspark.output.HorizonRows;
import io.lstmspark.output.OutputColumns;
import io.lstmspark.output.OutputTarget;
import io.lstmspark.output.QuarantineRecords;
import io.lstmspark.report.Backtest;
import io.lstmspark.report.Counts;
import io.lstmspark.report.RunReport;
import io.lstmspark.report.TaskStats;
import io.lstmspark.report.html.ChartSamples;
import io.lstmspark.report.html.HtmlReport;
import io.lstmspark.series.InputDataException;
import io.lstmspark.series.SkipReason;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The batch job, a layer over {@link LstmTransform} (the DataFrame API's transform): reads and checks the
 * input while the model is checked ({@link ModelCheck}), prepares the output, defines the transform, then
 * writes its rows in one Spark job; when rows or windows were set aside, a second pass writes them to
 * the quarantine. The run report goes beside the output, as JSON and as an HTML page.
 */
public final class LstmSparkJob {

    /** Test hook: the first attempt of this partition's task fails after its first batch. */
    public static final String FAIL_FIRST_ATTEMPT_CONF = "spark.lstmspark.test.failFirstAttemptOfPartition";

    private static final Logger LOG = LoggerFactory.getLogger(LstmSparkJob.class);

    private final SparkSession spark;
    private final JobConfig config;
    private final RunWatcher watcher;
    private final ReportAssembly report;
    /** The stage running now and when it began, for a failed run's report. */
    private String stage = "input_check";
    private long stageStartedNanos = System.nanoTime();

    private LstmSparkJob(SparkSession spark, JobConfig config, RunWatcher watcher) {
        this.spark = spark;
        this.config = config;
        this.watcher = watcher;
        this.report = new ReportAssembly(config);
    }

    /** Runs the job, logging progress every 5 s. */
    public static RunReport run(SparkSession spark, JobConfig config) {
        return run(spark, config, RunWatcher.logLines(5));
    }

    /** Runs the job, telling {@code watcher} its progress and where a failed run's report went. */
    public static RunReport run(SparkSession spark, JobConfig config, RunWatcher watcher) {
        String what = config.mode().name().toLowerCase(Locale.ROOT) + " " + config.input().path() + " -> "
                + config.output().path();
        try (SparkPhases phases = new SparkPhases(spark.sparkContext(), what)) {
            LOG.info("Spark job group {}: {}", phases.group(), what);
            return new LstmSparkJob(spark, config, watcher).run(phases);
        }
    }

    private RunReport run(SparkPhases phases) {
        phases.enter("read and check", "input " + inputName() + ", output " + config.output().path());
        OutputColumns.check(config);
        ModelCheck modelCheck = ModelCheck.start(spark, config);
        InputSteps input;
        OutputTarget target;
        try {
            input = InputSteps.read(spark, config.input(), config.storage().inputTable());
            target = OutputTarget.prepare(spark, config);
        } catch (Exception e) {
            modelCheck.awaitAfter(e);
            throw e;
        }
        LstmTransform transform = null;
        boolean published = false;
        try {
            nextStage("model_check");
            phases.enter("check model", config.model().path());
            transform = LstmTransform.define(spark, config, input, modelCheck::await);
            CheckedModel model = transform.model();
            BacktestPass.checkColumns(config, model.call());

            nextStage("read_window_infer_write");
            phases.enter("windows -> model -> output", inputName() + " -> " + config.model().path()
                    + " -> " + config.output().path());
            List<TaskStats> tasks = transform.writeRows(target::writeWindows, watcher);
            Counts counts = Counts.of(tasks);
            checkInputHadRows(counts);
            warnOfNonFiniteOutputs(counts);

            nextStage("quarantine");
            if (counts.quarantineRecords() > 0) {
                phases.enter("quarantine pass", config.output().path() + "/" + QuarantineRecords.DIRECTORY);
                transform.writeQuarantine(counts, target::writeQuarantine, watcher);
            }

            nextStage("report_backtest_and_samples");
            phases.enter("report", config.output().path());
            Dataset<Row> rowsWritten = counts.windowsWritten() > 0
                    ? HorizonRows.perForecast(target.readWritten(), config.forecast()) : null;
            Backtest backtest = rowsWritten == null ? null : BacktestPass.run(spark, config, input, rowsWritten);
            ChartSamples samples = rowsWritten == null ? ChartSamples.none("No charts: the run wrote no rows.")
                    : config.mode() == WindowMode.FORECAST
                    ? ForecastSample.gather(spark, config, model, input, rowsWritten)
                    : transform.stateSample().charts();
            report.lap(stage, stageStartedNanos);
            stage = "report_and_publish"; // named only in a failed run's report
            stageStartedNanos = System.nanoTime();

            warnOfShortHistory(counts);
            RunReport written = report.succeeded(model, counts, tasks,
                    transform.input().skippedFiles(spark, config.input(), counts.inputRows()),
                    transform.history().report(counts.inputRows())).withBacktest(backtest);
            target.writeReport(written);
            target.writeHtmlReport(HtmlReport.FILE_NAME, HtmlReport.render(written, samples, tasks));
            target.publish();
            published = true;
            target.removeFailedReport();
            logSummary(counts);
            return written;
        } catch (Exception e) {
            // Spark's failures arrive as undeclared checked exceptions: report whatever was thrown.
            writeFailedReport(target, e, transform == null ? List.of() : transform.outputTasksSoFar());
            throw e;
        } finally {
            if (!published) {
                target.abandon();
            }
        }
    }

    /** Ends the stage running now (its wall time goes in the report) and begins {@code next}. */
    private void nextStage(String next) {
        report.lap(stage, stageStartedNanos);
        stage = next;
        stageStartedNanos = System.nanoTime();
    }

    /** Writes the failed run's report beside the untouched output; a failure to write it must not hide the run's. */
    private void writeFailedReport(OutputTarget target, Throwable failure, List<TaskStats> tasksSoFar) {
        try {
            URI written = target.writeFailedReport(report.failed(failure, stage, stageStartedNanos,
                    Counts.of(tasksSoFar))).toUri();
            String path = "file".equals(written.getScheme()) ? written.getPath() : written.toString();
            LOG.info("Wrote the failed run's report to {}", path);
            watcher.failedRunReport(path);
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    /** Known only after the output pass, without a pass of its own; nothing has been published yet. */
    private void checkInputHadRows(Counts counts) {
        if (counts.inputRows() == 0) {
            if (config.input().onBad() == JobConfig.BadInput.FAIL) {
                throw new InputDataException(inputName() + " has no rows: check the "
                        + "path and the upstream job, or set input.on-bad = quarantine to write an empty result");
            }
            LOG.warn("Input {} has no rows", inputName());
        }
    }

    private String inputName() {
        return config.storage().inputTable().map(table -> "input.table " + table)
                .orElse("input.path " + config.input().path());
    }

    private void warnOfShortHistory(Counts counts) {
        Long tooShort = counts.skipped().get(SkipReason.FEWER_STEPS_WITHIN_LOOKBACK.label());
        if (tooShort != null) {
            LOG.warn("{} series have fewer than window.length steps within the forecast history read (irregular or "
                    + "gappy steps) and got no forecast: widen forecast.lookback", tooShort);
        }
    }

    private void warnOfNonFiniteOutputs(Counts counts) {
        if (!counts.nanOutputs().isEmpty()) {
            LOG.warn("Windows with NaN or infinite outputs, by output column: {} (output.on-nan = {})",
                    counts.nanOutputs(), config.output().onNan().name().toLowerCase(Locale.ROOT));
        }
    }

    private void logSummary(Counts counts) {
        LOG.info("Wrote {} windows of {} series to {}; set aside: {} rows, {} windows (see {})",
                counts.windowsWritten(), counts.series(),
                config.storage().outputTable().orElse(config.output().path()),
                counts.rowsRejected().values().stream().mapToLong(Long::longValue).sum()
                        + counts.rowsWithBadValues().values().stream().mapToLong(Long::longValue).sum(),
                counts.windowsQuarantined().values().stream().mapToLong(Long::longValue).sum(),
                QuarantineRecords.DIRECTORY);
    }
}
