package io.lstmspark.driver;

import io.lstmspark.config.JobConfig;
import io.lstmspark.config.WindowMode;
import io.lstmspark.output.OutputColumns;
import io.lstmspark.report.Counts;
import io.lstmspark.report.TaskStats;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * The job's transform from steps to windows, shared by the batch job and the DataFrame API
 * ({@code io.lstmspark.api}): defining it checks the configuration, the steps' columns and the model
 * on the driver; its rows (windows, or chunks or steps in stream mode) and quarantine records are
 * Spark Datasets that run when whoever reads them runs an action.
 */
public final class LstmTransform {

    private final CheckedModel model;
    private final ForecastHistory history;
    /** The steps the passes read: the input, filtered to the forecast history when there is one. */
    private final InputSteps input;
    private final Passes passes;
    private Passes.Defined quarantine;

    private LstmTransform(CheckedModel model, ForecastHistory history, InputSteps input, Passes passes) {
        this.model = model;
        this.history = history;
        this.input = input;
        this.passes = passes;
    }

    /**
     * The transform of a caller's steps: every check the job makes before its first task, with the job's
     * messages, which name the configuration keys the API's parameters stand for.
     */
    public static LstmTransform of(SparkSession spark, JobConfig config, Dataset<Row> steps) {
        OutputColumns.check(config);
        return define(spark, config, InputSteps.of(steps, config.input(), config.input().path(), Optional.empty()),
                () -> CheckedModel.check(spark, config));
    }

    /** Takes the model's check against the configuration and defines the mode's passes over {@code input}. */
    static LstmTransform define(SparkSession spark, JobConfig config, InputSteps steps,
                                Supplier<CheckedModel> modelCheck) {
        long maxGap = MaxGap.inUnitsOf(steps.timestampType(), config);
        CheckedModel model = modelCheck.get();
        // Forecast mode reads only the history its windows need (forecast.frequency / forecast.lookback).
        ForecastHistory history = ForecastHistory.plan(spark, config, steps, model.windowLength());
        InputSteps input = history.apply(steps);
        StepOrdering ordering = new StepOrdering(spark, config);
        Passes passes;
        if (config.mode() == WindowMode.STREAM) {
            StreamModeCheck.check(config, model.call(), model.windowLength());
            passes = Passes.stream(spark, config, input, ordering.chunkMajorSteps(input, model.windowLength()), model);
        } else {
            passes = Passes.windows(spark, config, input, ordering.sortedSteps(input), maxGap, model);
        }
        return new LstmTransform(model, history, input, passes);
    }

    /** The output rows, not yet computed. */
    public Dataset<Row> rows() {
        return passes.outputRows().rows();
    }

    /**
     * The records set aside (the job's {@code _quarantine} schema), not yet computed: a second run over the
     * steps, which evaluates the windows again only under output.on-nan = quarantine.
     */
    public synchronized Dataset<Row> quarantine() {
        if (quarantine == null) {
            quarantine = passes.quarantineRows();
        }
        return quarantine.rows();
    }

    /** The schema of {@link #rows()}. */
    public StructType schema() {
        return rows().schema();
    }

    /** Steps per window (per chunk in stream mode): window.length, or the length the model declares. */
    public int windowLength() {
        return model.windowLength();
    }

    /** The counts of every task that has computed {@link #rows()} so far, added up. */
    public Counts counts() {
        return Counts.of(passes.outputRows().taskStats());
    }

    CheckedModel model() {
        return model;
    }

    /** What forecast mode read of the input, for the run report. */
    ForecastHistory history() {
        return history;
    }

    /** The heatmaps' sample, taken by the output pass as it writes. */
    StateSample stateSample() {
        return passes.stateSample();
    }

    /** The steps the passes read. */
    InputSteps input() {
        return input;
    }

    /**
     * Runs the output pass, its rows written by {@code writer} in one Spark job, its progress told to {@code watcher}.
     */
    List<TaskStats> writeRows(Consumer<Dataset<Row>> writer, RunWatcher watcher) {
        return passes.outputs(writer, watcher);
    }

    /** What the output pass's tasks that ended did, also when it failed. */
    List<TaskStats> outputTasksSoFar() {
        return passes.outputTasksSoFar();
    }

    /** Runs the quarantine pass after the output pass counted {@code first}. */
    void writeQuarantine(Counts first, Consumer<Dataset<Row>> writer, RunWatcher watcher) {
        passes.quarantine(first, writer, watcher);
    }
}
