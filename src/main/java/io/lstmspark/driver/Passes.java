package io.lstmspark.driver;

import static io.lstmspark.driver.LstmSparkJob.FAIL_FIRST_ATTEMPT_CONF;
import static io.lstmspark.driver.StepOrdering.AFTER_CUTOFF_COLUMN;

import io.lstmspark.config.JobConfig;
import io.lstmspark.output.OutputSchema;
import io.lstmspark.output.OutputTarget;
import io.lstmspark.output.QuarantineRecords;
import io.lstmspark.output.StreamRows;
import io.lstmspark.report.Counts;
import io.lstmspark.report.TaskStats;
import io.lstmspark.series.InputDataException;
import io.lstmspark.series.StepReader;
import io.lstmspark.series.WindowSpec;
import io.lstmspark.task.ExecutionPlan;
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
 * A mode's two passes over the ordered steps, each one Spark job: the output pass writes the rows;
 * the quarantine pass, run only when the first set records aside, writes those records.
 */
final class Passes {

    /** One Spark job that writes and returns its tasks' stats. */
    private interface Pass {
        List<TaskStats> run();
    }

    /** The quarantine pass: it evaluates windows again only when the first pass set some aside for their outputs. */
    private interface QuarantinePass {
        List<TaskStats> run(boolean outputsSetAside);
    }

    /** Makes a task's function from the pass's accumulators. */
    private interface PassFunction {
        MapPartitionsFunction<Row, Row> create(LongAccumulator progress, CollectionAccumulator<TaskStats> stats);
    }

    private final JobConfig.OnNan onNan;
    private final Pass outputs;
    private final QuarantinePass quarantine;

    private Passes(JobConfig config, Pass outputs, QuarantinePass quarantine) {
        this.onNan = config.output().onNan();
        this.outputs = outputs;
        this.quarantine = quarantine;
    }

    /** Window modes (extract, forecast): windows cut from steps sorted by {@link StepOrdering#sortedSteps}. */
    static Passes windows(SparkSession spark, JobConfig config, InputSteps input, Dataset<Row> sorted, long maxGap,
                          CheckedModel model, OutputTarget target) {
        StepReader.Layout layout = input.layout().withScaling(
                ScalingPlan.forTasks(config, sorted.schema().fieldNames(), model.call().outputs()));
        ExecutionPlan plan = new ExecutionPlan(
                new WindowSpec(config.mode(), model.windowLength(), config.window().stride()), layout, maxGap,
                config.input().onBad(), ExecutionPlan.Emit.OUTPUTS, model.call().inputType(), model.batch().windows(),
                model.key(), model.call(), Integer.parseInt(spark.conf().get(FAIL_FIRST_ATTEMPT_CONF, "-1")),
                config.output().onNan(), spark.conf().get("spark.sql.session.timeZone"),
                Arrays.asList(sorted.schema().fieldNames()).indexOf(AFTER_CUTOFF_COLUMN), input.filtered());
        return new Passes(config,
                () -> runPass(spark, sorted, (progress, stats) -> new SparkTask(plan, progress, stats),
                        OutputSchema.of(input.seriesIdType(), input.timestampType(), model.call().outputs(),
                                ScalingPlan.outputParameters(config)),
                        target::writeWindows),
                outputsSetAside -> runPass(spark, sorted,
                        (progress, stats) -> new SparkTask(plan.forQuarantine(outputsSetAside), progress, stats),
                        QuarantineRecords.SCHEMA, target::writeQuarantine));
    }

    /** Stream mode: chunks of steps sorted by {@link StepOrdering#chunkMajorSteps}, the chunk index last. */
    static Passes stream(SparkSession spark, JobConfig config, InputSteps input, Dataset<Row> sorted,
                         CheckedModel model, OutputTarget target) {
        StepReader.Layout layout = input.layout().withScaling(
                ScalingPlan.forTasks(config, sorted.schema().fieldNames(), model.call().outputs()));
        StreamPlan plan = new StreamPlan(layout, sorted.schema().size() - 1, model.windowLength(),
                model.call().inputType(), model.batch().windows(), model.key(), model.call(), config.streamLayout(),
                config.output().onNan(), false, spark.conf().get("spark.sql.session.timeZone"));
        return new Passes(config,
                () -> runPass(spark, sorted, (progress, stats) -> new SparkTask(plan, progress, stats),
                        StreamRows.schema(config.streamLayout(), input.seriesIdType(), input.timestampType(),
                                model.call().outputs(), ScalingPlan.outputParameters(config)), target::writeWindows),
                // StreamModeCheck refuses input.on-bad = quarantine: only chunks with outputs not finite are set aside.
                outputsSetAside -> runPass(spark, sorted,
                        (progress, stats) -> new SparkTask(plan.forQuarantine(), progress, stats),
                        QuarantineRecords.SCHEMA, target::writeQuarantine));
    }

    /** Runs the output pass: every window (or chunk) written or counted as set aside. */
    List<TaskStats> outputs() {
        return namingUnreadableFiles(outputs);
    }

    /** Runs the quarantine pass after an output pass that counted {@code first}. */
    void quarantine(Counts first) {
        boolean outputsSetAside = onNan == JobConfig.OnNan.QUARANTINE && !first.nanOutputs().isEmpty();
        checkSamePass(first, Counts.of(namingUnreadableFiles(() -> quarantine.run(outputsSetAside))));
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

    /** One Spark job over the sorted steps: the pipeline's rows written by {@code writer}. */
    private static List<TaskStats> runPass(SparkSession spark, Dataset<Row> sorted, PassFunction function,
                                           StructType schema, Consumer<Dataset<Row>> writer) {
        LongAccumulator progress = spark.sparkContext().longAccumulator("lstm-spark windows");
        CollectionAccumulator<TaskStats> stats = spark.sparkContext().collectionAccumulator("lstm-spark task stats");
        Dataset<Row> rows = sorted.mapPartitions(function.create(progress, stats), Encoders.row(schema));
        JobProgress listener = new JobProgress(progress.id());
        spark.sparkContext().addSparkListener(listener);
        try {
            writer.accept(rows);
        } finally {
            spark.sparkContext().removeSparkListener(listener);
        }
        return new ArrayList<>(stats.value());
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
