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
import java.net.URI;
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
        phases.enter("read and check", "input " + config.input().path() + ", output " + config.output().path());
        OutputColumns.check(config);
        InputSteps input = InputSteps.read(spark, config.input());
        long maxGap = MaxGap.inUnitsOf(input.timestampType(), config);
        OutputTarget target = OutputTarget.prepare(spark, config.output().path(),
                config.output().mode() == JobConfig.OutputMode.OVERWRITE, config.output().partitionBy(),
                config.output().constantColumns(), config.input().path(), config.model().path());
        Passes passes = null;
        boolean published = false;
        try {
            nextStage("model_check");
            phases.enter("check model", config.model().path());
            CheckedModel model = CheckedModel.check(spark, config);

            nextStage("read_window_infer_write");
            phases.enter("windows -> model -> output", config.input().path() + " -> " + config.model().path()
                    + " -> " + config.output().path());
            passes = orderedPasses(input, maxGap, model, target);
            List<TaskStats> tasks = passes.outputs();
            Counts counts = Counts.of(tasks);
            checkInputHadRows(counts);
            warnOfNonFiniteOutputs(counts);

            nextStage("quarantine");
            if (counts.quarantineRecords() > 0) {
                phases.enter("quarantine pass", config.output().path() + "/" + QuarantineRecords.DIRECTORY);
                passes.quarantine(counts);
            }
            report.lap(stage, stageStartedNanos);
            stage = "report_and_publish"; // named only in a failed run's report
            stageStartedNanos = System.nanoTime();

            phases.enter("report", config.output().path());
            RunReport written = report.succeeded(model, counts, tasks,
                    input.skippedFiles(spark, config.input(), counts.inputRows()));
            target.writeReport(written);
            target.publish();
            published = true;
            target.removeFailedReport();
            logSummary(counts);
            return written;
        } catch (Exception e) {
            // Spark's failures arrive as undeclared checked exceptions: report whatever was thrown.
            writeFailedReport(target, e, passes == null ? List.of() : passes.outputTasksSoFar());
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

    /** The steps in the order the mode's tasks need them, and the mode's passes over them. */
    private Passes orderedPasses(InputSteps input, long maxGap, CheckedModel model, OutputTarget target) {
        StepOrdering ordering = new StepOrdering(spark, config);
        if (config.mode() == WindowMode.STREAM) {
            StreamModeCheck.check(config, model.call(), model.windowLength());
            return Passes.stream(spark, config, input, ordering.chunkMajorSteps(input, model.windowLength()), model,
                    target, watcher);
        }
        return Passes.windows(spark, config, input, ordering.sortedSteps(input), maxGap, model, target,
                watcher);
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
