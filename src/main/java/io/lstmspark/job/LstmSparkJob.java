package io.lstmspark.job;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.lstmspark.model.LoadedModel;
import io.lstmspark.model.ModelCall;
import io.lstmspark.model.ModelCallResolver;
import io.lstmspark.model.ModelFingerprint;
import io.lstmspark.model.ModelFormat;
import io.lstmspark.model.ModelKey;
import io.lstmspark.model.ModelRequest;
import io.lstmspark.model.ModelSafety;
import io.lstmspark.model.ModelSource;
import io.lstmspark.model.SessionThreads;
import io.lstmspark.model.TensorRef;
import io.lstmspark.output.OutputSchema;
import io.lstmspark.output.OutputTarget;
import io.lstmspark.output.QuarantineRecords;
import io.lstmspark.output.RunReport;
import io.lstmspark.output.TaskStats;
import io.lstmspark.series.InputDataException;
import io.lstmspark.series.WindowCutter;
import io.lstmspark.series.WindowMode;
import io.lstmspark.series.WindowSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;
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
    /** TensorFlow's inter-op setting for "run every op in the thread that called Session.run". */
    private static final int CALLER_THREAD = -1;

    private final SparkSession spark;
    private final JobConfig config;
    private final Map<String, Long> stageMillis = new LinkedHashMap<>();

    private LstmSparkJob(SparkSession spark, JobConfig config) {
        this.spark = spark;
        this.config = config;
    }

    public static RunReport run(SparkSession spark, JobConfig config) {
        return new LstmSparkJob(spark, config).run();
    }

    private RunReport run() {
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        JobConfig.Input in = config.input();
        InputSteps input = InputSteps.read(spark, in);
        long maxGap = maxGap(input.timestampType());
        OutputTarget target = OutputTarget.prepare(spark, config.output().path(),
                config.output().mode() == JobConfig.OutputMode.OVERWRITE, config.output().partitionBy(),
                config.output().constantColumns());
        lap("input_check", t0);

        long t1 = System.nanoTime();
        ModelSource source = new ModelSource(config.model().path(), config.model().tags());
        ModelFormat format = source.format();
        for (ModelSafety.Finding allowed : ModelSafety.check(source, config.model().allowOps())) {
            LOG.warn("Model {} runs {}, allowed by model.allow-ops", source.path(), allowed);
        }
        String fingerprint = ModelFingerprint.of(source.localPath());
        SessionThreads threads = sessionThreads();
        ModelRequest request = modelRequest(source);
        ModelCall call;
        int windowLength;
        try (LoadedModel probe = LoadedModel.load(source, threads)) {
            windowLength = config.window().length().isPresent() ? config.window().length().getAsInt()
                    : ModelCallResolver.declaredWindowLength(probe, request, in.features().size())
                    .orElseThrow(() -> new ConfigException("window.length is not set and model " + source.path()
                            + " does not declare its input length: set window.length"));
            call = ModelCallResolver.resolve(probe, request, windowLength, in.features().size());
        }
        lap("model_check", t1);
        ExecutionPlan plan = new ExecutionPlan(new WindowSpec(config.mode(), windowLength, config.window().stride()),
                input.layout(), maxGap, in.onBad(), ExecutionPlan.Emit.OUTPUTS, call.inputType(), config.batchSize(),
                new ModelKey(source, threads, fingerprint), call,
                Integer.parseInt(spark.conf().get(FAIL_FIRST_ATTEMPT_CONF, "-1")));
        LOG.info("Model {} ({}): input {} {}, outputs {}", source.path(), fingerprint, call.inputTensor(),
                Arrays.toString(call.inputWindowShape()), config.outputs());

        Dataset<Row> sorted = sortedSteps(input);
        boolean published = false;
        try {
            long t2 = System.nanoTime();
            StructType schema = OutputSchema.of(input.seriesIdType(), input.timestampType(), call.outputs());
            List<TaskStats> tasks = runPass(sorted, plan, schema, target::writeWindows);
            lap("read_window_infer_write", t2);
            RunReport.Counts counts = RunReport.Counts.of(tasks);
            // Known only now, without a pass of its own; nothing has been published yet.
            if (counts.inputRows() == 0) {
                if (in.onBad() == JobConfig.BadInput.FAIL) {
                    throw new InputDataException("input.path " + in.path() + " has no rows: check the path and the "
                            + "upstream job, or set input.on-bad = quarantine to write an empty result");
                }
                LOG.warn("Input {} has no rows", in.path());
            }

            long t3 = System.nanoTime();
            if (counts.quarantineRecords() > 0) {
                List<TaskStats> quarantinePass = runPass(sorted, plan.forQuarantine(), QuarantineRecords.SCHEMA,
                        target::writeQuarantine);
                checkSamePass(counts, RunReport.Counts.of(quarantinePass));
            } else {
                target.clearQuarantine();
            }
            lap("quarantine", t3);

            RunReport report = report(started, source, format, fingerprint, call, counts, tasks);
            target.writeReport(report);
            target.publish();
            published = true;
            LOG.info("Wrote {} windows of {} series to {}; set aside: {} rows, {} windows (see {})",
                    counts.windowsWritten(), counts.series(), config.output().path(),
                    counts.rowsRejected().values().stream().mapToLong(Long::longValue).sum()
                            + counts.rowsWithBadValues().values().stream().mapToLong(Long::longValue).sum(),
                    counts.windowsQuarantined().values().stream().mapToLong(Long::longValue).sum(),
                    QuarantineRecords.DIRECTORY);
            return report;
        } finally {
            // Spark's failures arrive as undeclared checked exceptions: clean up whatever was thrown.
            if (!published) {
                target.abandon();
            }
        }
    }

    /** One Spark job over the sorted steps: the pipeline's rows written by {@code writer}. */
    private List<TaskStats> runPass(Dataset<Row> sorted, ExecutionPlan plan, StructType schema,
                                    java.util.function.Consumer<Dataset<Row>> writer) {
        LongAccumulator progress = spark.sparkContext().longAccumulator("lstm-spark " + plan.emit() + " windows");
        CollectionAccumulator<TaskStats> stats = spark.sparkContext().collectionAccumulator("lstm-spark task stats");
        Dataset<Row> rows = sorted.mapPartitions(new WindowInference(plan, progress, stats), Encoders.row(schema));
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
    private static void checkSamePass(RunReport.Counts first, RunReport.Counts quarantine) {
        if (first.quarantineRecords() != quarantine.quarantineRecords() || first.inputRows() != quarantine.inputRows()) {
            throw new IllegalStateException("the input changed while the job ran: the first pass set aside "
                    + first.quarantineRecords() + " of " + first.inputRows() + " rows' records, the quarantine pass "
                    + quarantine.quarantineRecords() + " of " + quarantine.inputRows());
        }
    }

    /** Steps partitioned by series and sorted by time; the forecast cutoff applied first. */
    private Dataset<Row> sortedSteps(InputSteps input) {
        JobConfig.Input in = config.input();
        Dataset<Row> steps = input.steps();
        if (config.mode() == WindowMode.FORECAST && config.forecastCutoff().isPresent()) {
            steps = steps.filter(col(in.timestamp()).leq(cutoff(config.forecastCutoff().get(), input.timestampType())));
        }
        int partitions = in.partitions() > 0 ? in.partitions() : spark.sparkContext().defaultParallelism();
        return steps.repartition(partitions, col(in.seriesId()))
                .sortWithinPartitions(col(in.seriesId()), col(in.timestamp()));
    }

    /** The cutoff as a literal of the timestamp column's type, checked here rather than in every task. */
    private Column cutoff(String cutoff, DataType timestampType) {
        Column literal = lit(cutoff).cast(timestampType);
        Row value;
        try {
            value = spark.range(1).select(literal).first();
        } catch (RuntimeException e) {
            value = null;
        }
        if (value == null || value.isNullAt(0)) {
            throw new ConfigException("forecast.cutoff '" + cutoff + "' is not a valid " + timestampType.simpleString()
                    + " (the type of input.timestamp '" + config.input().timestamp() + "')");
        }
        return lit(value.get(0));
    }

    /** window.max-gap on the timestamp's axis: microseconds, days, or the integer timestamp's own unit. */
    private long maxGap(DataType timestampType) {
        if (config.window().maxGap().isEmpty()) {
            return WindowCutter.NO_MAX_GAP;
        }
        JobConfig.Gap gap = config.window().maxGap().get();
        String column = "input.timestamp '" + config.input().timestamp() + "' (" + timestampType.simpleString() + ")";
        if (timestampType.equals(DataTypes.TimestampType) || timestampType.equals(DataTypes.TimestampNTZType)) {
            return gap.duration().orElseThrow(() -> new ConfigException("window.max-gap '" + gap.text()
                    + "' needs a unit for " + column + ", e.g. 2h or 90 minutes")).toNanos() / 1000;
        }
        if (timestampType.equals(DataTypes.DateType)) {
            java.time.Duration days = gap.duration().orElseThrow(() -> new ConfigException("window.max-gap '"
                    + gap.text() + "' needs a unit for " + column + ", e.g. 3d"));
            return days.toDays();
        }
        if (timestampType.equals(DataTypes.LongType) || timestampType.equals(DataTypes.IntegerType)
                || timestampType.equals(DataTypes.ShortType) || timestampType.equals(DataTypes.ByteType)) {
            return gap.amount().orElseThrow(() -> new ConfigException("window.max-gap '" + gap.text()
                    + "' must be a whole number for " + column));
        }
        throw new ConfigException("window.max-gap needs a timestamp, date or integer timestamp column; " + column
                + " has no measurable gaps");
    }

    /**
     * One shared session serves all tasks of an executor. Ops run in the calling task's thread
     * (inter-op -1): a shared inter-op pool of one thread would serialise concurrent tasks, a larger
     * one would oversubscribe the cores the tasks already hold. Each op may use spark.task.cpus
     * threads; TensorFlow runs single-threaded ops inline.
     */
    private SessionThreads sessionThreads() {
        int taskCpus = Integer.parseInt(spark.conf().get("spark.task.cpus", "1"));
        int intra = config.model().intraOpThreads() > 0 ? config.model().intraOpThreads() : taskCpus;
        int inter = config.model().interOpThreads() != 0 ? config.model().interOpThreads() : CALLER_THREAD;
        return new SessionThreads(intra, inter);
    }

    private ModelRequest modelRequest(ModelSource source) {
        Map<String, TensorRef> outputs = new LinkedHashMap<>();
        config.outputs().forEach((column, ref) -> outputs.put(column, TensorRef.parse(ref)));
        return new ModelRequest(source, config.model().signature(), config.model().input().map(TensorRef::parse),
                outputs);
    }

    private RunReport report(Instant started, ModelSource source, ModelFormat format, String fingerprint, ModelCall call,
                             RunReport.Counts counts, List<TaskStats> tasks) {
        List<RunReport.OutputInfo> outputs = call.outputs().stream()
                .map(o -> new RunReport.OutputInfo(o.column(), o.ref(), o.tensorName(), o.type().name().toLowerCase(),
                        o.windowShape()))
                .toList();
        return new RunReport("succeeded", started.toString(), Instant.now().toString(), config.rendered(),
                new RunReport.ModelInfo(source.path(), format.name().toLowerCase(), fingerprint,
                        config.model().signature(), call.inputTensor(), call.inputWindowShape(), outputs),
                counts,
                new RunReport.ModelLoads(tasks.stream().mapToLong(TaskStats::modelLoads).sum(), 1),
                RunReport.byExecutor(tasks),
                stageMillis);
    }

    private void lap(String stage, long startedNanos) {
        stageMillis.put(stage, (System.nanoTime() - startedNanos) / 1_000_000);
    }
}
