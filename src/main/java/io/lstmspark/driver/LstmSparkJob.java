package io.lstmspark.driver;

import io.lstmspark.config.JobConfig;
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
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The batch job, a layer over {@link LstmTransform} (the DataFrame API's transform): reads the input,
 * prepares the output, defines the transform (which checks input and model on the driver), then
 * writes its rows in one Spark job; when rows or windows were set aside, a second pass writes them to
 * the quarantine. The run report goes beside the output, as JSON and as an HTML page.
 */
public final class LstmSparkJob {

    /** Test hook: the first attempt of this partition's task fails after its first batch. */
    public static final String FAIL_FIRST_ATTEMPT_CONF = "spark.lstmspark.test.failFirstAttemptOfPartition";

    private static final Logger LOG = LoggerFactory.getLogger(LstmSparkJob.class);

    private final SparkSession spark;
    private final JobConfig config;

    private LstmSparkJob(SparkSession spark, JobConfig config) {
        this.spark = spark;
        this.config = config;
    }

    public static RunReport run(SparkSession spark, JobConfig config) {
        return new LstmSparkJob(spark, config).run();
    }

    private RunReport run() {
        ReportAssembly report = new ReportAssembly(config);
        long t0 = System.nanoTime();
        OutputColumns.check(config);
        InputSteps input = InputSteps.read(spark, config.input(), config.storage().inputTable());
        OutputTarget target = OutputTarget.prepare(spark, config);
        report.lap("input_check", t0);

        long t1 = System.nanoTime();
        LstmTransform transform = LstmTransform.define(spark, config, input);
        CheckedModel model = transform.model();
        BacktestPass.checkColumns(config, model.call());
        report.lap("model_check", t1);

        boolean published = false;
        try {
            long t2 = System.nanoTime();
            List<TaskStats> tasks = transform.writeRows(target::writeWindows);
            report.lap("read_window_infer_write", t2);
            Counts counts = Counts.of(tasks);
            checkInputHadRows(counts);
            warnOfNonFiniteOutputs(counts);

            long t3 = System.nanoTime();
            if (counts.quarantineRecords() > 0) {
                transform.writeQuarantine(counts, target::writeQuarantine);
            }
            report.lap("quarantine", t3);

            long t4 = System.nanoTime();
            Dataset<Row> rowsWritten = counts.windowsWritten() > 0
                    ? HorizonRows.perForecast(target.readWritten(), config.forecast()) : null;
            Backtest backtest = rowsWritten == null ? null : BacktestPass.run(spark, config, input, rowsWritten);
            ChartSamples samples = rowsWritten == null ? ChartSamples.none("No charts: the run wrote no rows.")
                    : ReportSamples.gather(spark, config, model, input, rowsWritten);
            report.lap("report_backtest_and_samples", t4);

            RunReport written = report.succeeded(model, counts, tasks,
                    input.skippedFiles(spark, config.input(), counts.inputRows())).withBacktest(backtest);
            target.writeReport(written);
            target.writeHtmlReport(HtmlReport.FILE_NAME, HtmlReport.render(written, samples, tasks));
            target.publish();
            published = true;
            logSummary(counts);
            return written;
        } finally {
            // Spark's failures arrive as undeclared checked exceptions: clean up whatever was thrown.
            if (!published) {
                target.abandon();
            }
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
