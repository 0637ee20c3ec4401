package io.lstmspark.driver;

import io.lstmspark.config.JobConfig;
import io.lstmspark.config.WindowMode;
import io.lstmspark.output.OutputColumns;
import io.lstmspark.output.OutputTarget;
import io.lstmspark.output.QuarantineRecords;
import io.lstmspark.report.Counts;
import io.lstmspark.report.RunReport;
import io.lstmspark.report.TaskStats;
import io.lstmspark.series.InputDataException;
import io.lstmspark.series.SkipReason;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The batch job: checks configuration, input and model on the driver, then reads, windows,
 * evaluates and writes in one Spark job; when rows or windows were set aside, a second pass writes
 * them to the quarantine. The run report goes beside the output.
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
        InputSteps input = InputSteps.read(spark, config.input());
        long maxGap = MaxGap.inUnitsOf(input.timestampType(), config);
        OutputTarget target = OutputTarget.prepare(spark, config.output().path(),
                config.output().mode() == JobConfig.OutputMode.OVERWRITE, config.output().partitionBy(),
                config.output().constantColumns(), config.input().path(), config.model().path());
        report.lap("input_check", t0);

        long t1 = System.nanoTime();
        CheckedModel model = CheckedModel.check(spark, config);
        report.lap("model_check", t1);
        long th = System.nanoTime();
        ForecastHistory history = ForecastHistory.plan(spark, config, input, model.windowLength());
        input = history.apply(input);
        report.lap("forecast_history", th);

        boolean published = false;
        try {
            long t2 = System.nanoTime();
            Passes passes = orderedPasses(input, maxGap, model, target);
            List<TaskStats> tasks = passes.outputs();
            report.lap("read_window_infer_write", t2);
            Counts counts = Counts.of(tasks);
            checkInputHadRows(counts);
            warnOfNonFiniteOutputs(counts);

            long t3 = System.nanoTime();
            if (counts.quarantineRecords() > 0) {
                passes.quarantine(counts);
            }
            report.lap("quarantine", t3);

            warnOfShortHistory(counts);
            RunReport written = report.succeeded(model, counts, tasks,
                    input.skippedFiles(spark, config.input(), counts.inputRows()), history.report(counts.inputRows()));
            target.writeReport(written);
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

    /** The steps in the order the mode's tasks need them, and the mode's passes over them. */
    private Passes orderedPasses(InputSteps input, long maxGap, CheckedModel model, OutputTarget target) {
        StepOrdering ordering = new StepOrdering(spark, config);
        if (config.mode() == WindowMode.STREAM) {
            StreamModeCheck.check(config, model.call(), model.windowLength());
            return Passes.stream(spark, config, input, ordering.chunkMajorSteps(input, model.windowLength()), model,
                    target);
        }
        return Passes.windows(spark, config, input, ordering.sortedSteps(input), maxGap, model, target);
    }

    /** Known only after the output pass, without a pass of its own; nothing has been published yet. */
    private void checkInputHadRows(Counts counts) {
        if (counts.inputRows() == 0) {
            if (config.input().onBad() == JobConfig.BadInput.FAIL) {
                throw new InputDataException("input.path " + config.input().path() + " has no rows: check the "
                        + "path and the upstream job, or set input.on-bad = quarantine to write an empty result");
            }
            LOG.warn("Input {} has no rows", config.input().path());
        }
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
                counts.windowsWritten(), counts.series(), config.output().path(),
                counts.rowsRejected().values().stream().mapToLong(Long::longValue).sum()
                        + counts.rowsWithBadValues().values().stream().mapToLong(Long::longValue).sum(),
                counts.windowsQuarantined().values().stream().mapToLong(Long::longValue).sum(),
                QuarantineRecords.DIRECTORY);
    }
}
