package io.lstmspark.driver;

import static io.lstmspark.driver.LstmSparkJob.FAIL_FIRST_ATTEMPT_CONF;
import static io.lstmspark.driver.StepOrdering.AFTER_CUTOFF_COLUMN;

import io.lstmspark.config.JobConfig;
import io.lstmspark.config.WindowMode;
import io.lstmspark.output.HorizonRows;
import io.lstmspark.output.OutputSchema;
import io.lstmspark.output.QuarantineRecords;
import io.lstmspark.output.StreamRows;
import io.lstmspark.report.Counts;
import io.lstmspark.report.TaskStats;
import io.lstmspark.series.InputDataException;
import io.lstmspark.series.StepReader;
import io.lstmspark.series.WindowSpec;
import io.lstmspark.task.ExecutionPlan;
import io.lstmspark.task.FirstSeriesStates;
import io.lstmspark.task.SparkTask;
import io.lstmspark.task.StreamPlan;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;

/**
 * A mode's two passes over the ordered steps, each defined lazily and run as one Spark job by whoever
 * writes its rows: the output pass gives the rows; the quarantine pass, which the job runs only when
 * the first set records aside, gives those records.
 */
final class Passes {

    /**
     * A pass's rows, computed by the action that reads them, and the accumulators its tasks count into:
     * each task adds its stats when it ends, so the stats hold every task of every action run so far.
     */
    record Defined(Dataset<Row> rows, LongAccumulator progress, CollectionAccumulator<TaskStats> stats) {

        List<TaskStats> taskStats() {
            return new ArrayList<>(stats.value());
        }
    }

    /** One Spark job that writes and returns its tasks' stats. */
    private interface Pass {
        List<TaskStats> run();
    }

    /** The quarantine pass: it evaluates windows again only when the first pass set some aside for their outputs. */
    private interface QuarantinePass {
        Defined define(boolean outputsSetAside);
    }

    /** Makes a task's function from the pass's accumulators. */
    private interface PassFunction {
        MapPartitionsFunction<Row, Row> create(LongAccumulator progress, CollectionAccumulator<TaskStats> stats);
    }

    private final SparkSession spark;
    private final JobConfig.OnNan onNan;
    private final Defined outputs;
    private final StateSample stateSample;
    private final QuarantinePass quarantine;

    private Passes(SparkSession spark, JobConfig config, Defined outputs, StateSample stateSample,
                   QuarantinePass quarantine) {
        this.spark = spark;
        this.onNan = config.output().onNan();
        this.outputs = outputs;
        this.stateSample = stateSample;
        this.quarantine = quarantine;
    }

    /** Window modes (extract, forecast): windows cut from steps sorted by {@link StepOrdering#sortedSteps}. */
    static Passes windows(SparkSession spark, JobConfig config, InputSteps input, Dataset<Row> sorted, long maxGap,
                          CheckedModel model) {
        StepReader.Layout layout = input.layout().withScaling(
                ScalingPlan.forTasks(config, sorted.schema().fieldNames(), model.call().outputs()));
        ExecutionPlan plan = new ExecutionPlan(
                new WindowSpec(config.mode(), model.windowLength(), config.window().stride()), layout, maxGap,
                config.input().onBad(), ExecutionPlan.Emit.OUTPUTS, model.call().inputType(), model.batch().windows(),
                model.key(), model.call(), Integer.parseInt(spark.conf().get(FAIL_FIRST_ATTEMPT_CONF, "-1")),
                config.output().onNan(), spark.conf().get("spark.sql.session.timeZone"),
                Arrays.asList(sorted.schema().fieldNames()).indexOf(AFTER_CUTOFF_COLUMN),
                HorizonCheck.plan(config, model.call(), model.windowLength(), input.timestampType()),
                input.filtered());
        StructType schema = plan.horizon() != null
                ? HorizonRows.schema(plan.horizon().layout(), input.seriesIdType(), input.timestampType(),
                        model.call().outputs(), ScalingPlan.outputParameters(config))
                : OutputSchema.of(input.seriesIdType(), input.timestampType(), model.call().outputs(),
                        ScalingPlan.outputParameters(config));
        StateSample states = config.mode() == WindowMode.FORECAST ? StateSample.none()
                : StateSample.plan(spark, config.mode(), model.call().outputs(), schema, model.windowLength());
        return new Passes(spark, config,
                definePass(spark, sorted, (progress, stats) -> new SparkTask(plan, progress, stats), schema,
                        states.states()),
                states,
                outputsSetAside -> definePass(spark, sorted,
                        (progress, stats) -> new SparkTask(plan.forQuarantine(outputsSetAside), progress, stats),
                        QuarantineRecords.SCHEMA, Optional.empty()));
    }

    /** Stream mode: chunks of steps sorted by {@link StepOrdering#chunkMajorSteps}, the chunk index last. */
    static Passes stream(SparkSession spark, JobConfig config, InputSteps input, Dataset<Row> sorted,
                         CheckedModel model) {
        StepReader.Layout layout = input.layout().withScaling(
                ScalingPlan.forTasks(config, sorted.schema().fieldNames(), model.call().outputs()));
        StreamPlan plan = new StreamPlan(layout, sorted.schema().size() - 1, model.windowLength(),
                model.call().inputType(), model.batch().windows(), model.key(), model.call(), config.streamLayout(),
                config.output().onNan(), false, spark.conf().get("spark.sql.session.timeZone"));
        StructType schema = StreamRows.schema(config.streamLayout(), input.seriesIdType(), input.timestampType(),
                model.call().outputs(), ScalingPlan.outputParameters(config));
        StateSample states = StateSample.plan(spark, config.mode(), model.call().outputs(), schema,
                model.windowLength());
        return new Passes(spark, config,
                definePass(spark, sorted, (progress, stats) -> new SparkTask(plan, progress, stats), schema,
                        states.states()),
                states,
                // StreamModeCheck refuses input.on-bad = quarantine: only chunks with outputs not finite are set aside.
                outputsSetAside -> definePass(spark, sorted,
                        (progress, stats) -> new SparkTask(plan.forQuarantine(), progress, stats),
                        QuarantineRecords.SCHEMA, Optional.empty()));
    }

    /** The output pass, not yet run: every window (or chunk) a row or counted as set aside. */
    Defined outputRows() {
        return outputs;
    }

    /** The heatmaps' sample, which the output pass's tasks take as they write. */
    StateSample stateSample() {
        return stateSample;
    }

    /**
     * The quarantine pass, not yet run, defined before anyone knows what the output pass sets aside:
     * under output.on-nan = quarantine it evaluates every window again to find those with outputs not finite.
     */
    Defined quarantineRows() {
        return quarantine.define(onNan == JobConfig.OnNan.QUARANTINE);
    }

    /** Runs the output pass, its rows written by {@code writer}, its progress told to {@code watcher}. */
    List<TaskStats> outputs(Consumer<Dataset<Row>> writer, RunWatcher watcher) {
        return namingUnreadableFiles(() -> runPass(spark, outputs, writer, "output", watcher));
    }

    /** What the output pass's tasks that ended did, also when the pass failed; empty before it started. */
    List<TaskStats> outputTasksSoFar() {
        return outputs.taskStats();
    }

    /** Runs the quarantine pass after an output pass that counted {@code first}; {@code writer} writes its records. */
    void quarantine(Counts first, Consumer<Dataset<Row>> writer, RunWatcher watcher) {
        boolean outputsSetAside = onNan == JobConfig.OnNan.QUARANTINE && !first.nanOutputs().isEmpty();
        checkSamePass(first, Counts.of(namingUnreadableFiles(
                () -> runPass(spark, quarantine.define(outputsSetAside), writer, "quarantine", watcher))));
    }

    /** Runs a pass; a file Spark fails to read mid-job (e.g. a CSV, or Parquet pages) is a user error naming it. */
    private static List<TaskStats> namingUnreadableFiles(Pass pass) {
        try {
            return pass.run();
        } catch (Exception e) {
            Optional<InputDataException> unreadable = InputFiles.unreadable(e);
            if (unreadable.isPresent()) {
                throw unreadable.get();
            }
            throw e;
        }
    }

    /**
     * The pipeline's rows over the sorted steps, defined: Spark runs them when an action reads them. The rows
     * go out through {@code states} when there is one.
     */
    private static Defined definePass(SparkSession spark, Dataset<Row> sorted, PassFunction function,
                                      StructType schema, Optional<FirstSeriesStates> states) {
        LongAccumulator progress = spark.sparkContext().longAccumulator("lstm-spark windows");
        CollectionAccumulator<TaskStats> stats = spark.sparkContext().collectionAccumulator("lstm-spark task stats");
        MapPartitionsFunction<Row, Row> task = function.create(progress, stats);
        MapPartitionsFunction<Row, Row> sampled = states.<MapPartitionsFunction<Row, Row>>map(
                sample -> steps -> sample.sampling(task.call(steps))).orElse(task);
        Dataset<Row> rows = sorted.mapPartitions(sampled, Encoders.row(schema));
        return new Defined(rows, progress, stats);
    }

    /** One Spark job over the sorted steps: the pass's rows written by {@code writer}, its progress watched. */
    private static List<TaskStats> runPass(SparkSession spark, Defined pass, Consumer<Dataset<Row>> writer,
                                           String passName, RunWatcher watcher) {
        JobProgress listener = new JobProgress(passName, pass.progress().id(), watcher);
        spark.sparkContext().addSparkListener(listener);
        watcher.progress(listener.current());
        try {
            writer.accept(pass.rows());
        } finally {
            spark.sparkContext().removeSparkListener(listener);
            watcher.passEnded(listener.current());
        }
        return pass.taskStats();
    }

    /** The quarantine pass re-derives what the first pass counted; a difference means nondeterministic input. */
    private static void checkSamePass(Counts first, Counts quarantine) {
        if (first.quarantineRecords() != quarantine.quarantineRecords()
                || first.inputRows() != quarantine.inputRows()) {
            throw new IllegalStateException("the input changed while the job ran: the first pass set aside "
                    + first.quarantineRecords() + " of " + first.inputRows() + " rows' records, the quarantine pass "
                    + quarantine.quarantineRecords() + " of " + quarantine.inputRows());
        }
    }
}
