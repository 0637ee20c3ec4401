package io.lstmspark.job;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;

import io.lstmspark.model.ModelCache;
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
import io.lstmspark.model.keras.StateTapPlanner;
import io.lstmspark.model.kerasfile.KerasFileStates;
import io.lstmspark.model.keras.TapCheck;
import io.lstmspark.output.OutputSchema;
import io.lstmspark.output.OutputTarget;
import io.lstmspark.output.QuarantineRecords;
import io.lstmspark.output.RunReport;
import io.lstmspark.output.StreamRows;
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
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.api.java.function.MapPartitionsFunction;
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
    private static final String CHUNK_COLUMN = "_lstm_spark_chunk";
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
        InputSteps input = InputSteps.read(spark, config.input());
        long maxGap = maxGap(input.timestampType());
        OutputTarget target = OutputTarget.prepare(spark, config.output().path(),
                config.output().mode() == JobConfig.OutputMode.OVERWRITE, config.output().partitionBy(),
                config.output().constantColumns());
        lap("input_check", t0);

        long t1 = System.nanoTime();
        CheckedModel model = checkModel();
        lap("model_check", t1);

        boolean published = false;
        try {
            long t2 = System.nanoTime();
            Passes passes = config.mode() == WindowMode.STREAM ? streamPasses(input, model, target)
                    : windowPasses(input, maxGap, model, target);
            List<TaskStats> tasks = passes.outputs().run();
            lap("read_window_infer_write", t2);
            RunReport.Counts counts = RunReport.Counts.of(tasks);
            // Known only now, without a pass of its own; nothing has been published yet.
            if (counts.inputRows() == 0) {
                if (config.input().onBad() == JobConfig.BadInput.FAIL) {
                    throw new InputDataException("input.path " + config.input().path() + " has no rows: check the "
                            + "path and the upstream job, or set input.on-bad = quarantine to write an empty result");
                }
                LOG.warn("Input {} has no rows", config.input().path());
            }

            long t3 = System.nanoTime();
            if (counts.quarantineRecords() > 0) {
                checkSamePass(counts, RunReport.Counts.of(passes.quarantine().run()));
            } else {
                target.clearQuarantine();
            }
            lap("quarantine", t3);

            RunReport report = report(started, model, counts, tasks);
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

    /**
     * The model as the driver checked it: where it is, what the job calls, and how executors find it.
     *
     * @param given       model.path as configured; executors resolve it themselves (ModelLocation)
     * @param key         what executors load: the given path, thread settings and fingerprint
     * @param loadedNow   the driver's check loaded the model (its JVM had no session for it yet)
     */
    private record CheckedModel(ModelSource given, ModelFormat format, String fingerprint,
                                ModelKey key, ModelCall call, int windowLength, BatchSizing batch,
                                Optional<StateTapPlanner.Plan> taps, boolean loadedNow) {
    }

    /** Scans, loads and resolves the model on the driver, so that a bad model fails before any task runs. */
    private CheckedModel checkModel() {
        JobConfig.Input in = config.input();
        ModelSource given = new ModelSource(config.model().path(), config.model().tags());
        ModelSource source = ModelLocation.onThisJvm(given);
        for (ModelSafety.Finding allowed : ModelSafety.check(source, config.model().allowOps())) {
            LOG.warn("Model {} runs {}, allowed by model.allow-ops", source.path(), allowed);
        }
        String fingerprint = ModelFingerprint.of(source.localPath());
        SessionThreads threads = sessionThreads();
        ModelRequest request = modelRequest(source);
        // The driver checks the model with the same cached session its JVM's tasks will use (local mode).
        ModelCache.Lookup probe = ModelCache.getOrLoad(new ModelKey(source, threads, fingerprint));
        int windowLength = config.window().length().isPresent() ? config.window().length().getAsInt()
                : ModelCallResolver.declaredWindowLength(probe.model(), request, in.features().size())
                .orElseThrow(() -> new ConfigException("window.length is not set and model " + source.path()
                        + " does not declare its input length: set window.length"));
        Optional<KerasFileStates> kerasStates = KerasFileStates.of(probe.model(), request);
        if (kerasStates.isPresent()) {
            // A Keras file's graph is lstm-spark's own: its LSTM states are outputs, its recurrent states carried.
            request = request.withExtension(kerasStates.get());
            if (config.mode() == WindowMode.STREAM && request.states().isEmpty()) {
                request = request.withStates(KerasFileStates.streamStates(probe.model()));
            }
        }
        // Stream mode feeds the taps the state carried from the previous chunk; the model's output starts from zeros.
        Optional<StateTapPlanner.Plan> taps = kerasStates.isPresent() ? Optional.empty()
                : StateTapPlanner.plan(probe.model(), request, windowLength, in.features().size(),
                config.model().outputFromTaps() && config.mode() != WindowMode.STREAM);
        if (taps.isPresent()) {
            request = request.withExtension(taps.get().taps());
            if (config.mode() == WindowMode.STREAM && request.states().isEmpty()) {
                // Tapped layers carry their own states from chunk to chunk.
                request = request.withStates(taps.get().taps().carriedStates());
            }
        }
        ModelCall call = ModelCallResolver.resolve(probe.model(), request, windowLength, in.features().size());
        BatchSizing batch = BatchSizing.of(call, windowLength, in.features().size(), config.batchSize(),
                config.batchMaxBytes());
        if (batch.reduced()) {
            LOG.info("Batches of {} windows instead of batch.size {}: {} bytes of native memory per window, "
                    + "batch.max-bytes {}", batch.windows(), batch.requested(), batch.bytesPerWindow(), batch.maxBytes());
        }
        if (batch.fixedByModel()) {
            LOG.info("Batches of {} windows, the batch size model {} is fixed to (batch.size {} does not apply); "
                    + "a short batch is filled up with zero windows", batch.windows(), source.path(), batch.requested());
        }
        LOG.info("Model {} ({}): input {} {}, outputs {}", source.path(), fingerprint, call.inputTensor(),
                Arrays.toString(call.inputWindowShape()), config.outputs());
        return new CheckedModel(given, source.format(), fingerprint, new ModelKey(given, threads, fingerprint),
                call, windowLength, batch, taps, probe.loadedNow());
    }

    /** A mode's two passes over the input; the quarantine pass runs only when the first set records aside. */
    private record Passes(Pass outputs, Pass quarantine) {
    }

    /** One Spark job that writes and returns its tasks' stats. */
    private interface Pass {
        List<TaskStats> run();
    }

    private Passes windowPasses(InputSteps input, long maxGap, CheckedModel model, OutputTarget target) {
        Dataset<Row> sorted = sortedSteps(input);
        ExecutionPlan plan = new ExecutionPlan(
                new WindowSpec(config.mode(), model.windowLength(), config.window().stride()), input.layout(), maxGap,
                config.input().onBad(), ExecutionPlan.Emit.OUTPUTS, model.call().inputType(), model.batch().windows(),
                model.key(), model.call(), Integer.parseInt(spark.conf().get(FAIL_FIRST_ATTEMPT_CONF, "-1")));
        ExecutionPlan quarantinePlan = plan.forQuarantine();
        return new Passes(
                () -> runPass(sorted, (progress, stats) -> new WindowInference(plan, progress, stats),
                        OutputSchema.of(input.seriesIdType(), input.timestampType(), model.call().outputs()),
                        target::writeWindows),
                () -> runPass(sorted, (progress, stats) -> new WindowInference(quarantinePlan, progress, stats),
                        QuarantineRecords.SCHEMA, target::writeQuarantine));
    }

    private Passes streamPasses(InputSteps input, CheckedModel model, OutputTarget target) {
        checkStreamable(model.call(), model.windowLength());
        Dataset<Row> sorted = chunkMajorSteps(input, model.windowLength());
        StreamPlan plan = new StreamPlan(input.layout(), sorted.schema().size() - 1, model.windowLength(),
                model.call().inputType(), model.batch().windows(), model.key(), model.call(), config.streamLayout());
        return new Passes(
                () -> runPass(sorted, (progress, stats) -> new StreamInference(plan, progress, stats),
                        StreamRows.schema(config.streamLayout(), input.seriesIdType(), input.timestampType(),
                                model.call().outputs()), target::writeWindows),
                () -> {
                    // checkStreamable refuses quarantine mode, and bad input fails the first pass.
                    throw new IllegalStateException("stream mode sets nothing aside");
                });
    }

    /** Makes a task's function from the pass's accumulators. */
    private interface PassFunction {
        MapPartitionsFunction<Row, Row> create(LongAccumulator progress, CollectionAccumulator<TaskStats> stats);
    }

    /** One Spark job over the sorted steps: the pipeline's rows written by {@code writer}. */
    private List<TaskStats> runPass(Dataset<Row> sorted, PassFunction function, StructType schema,
                                    java.util.function.Consumer<Dataset<Row>> writer) {
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
    private static void checkSamePass(RunReport.Counts first, RunReport.Counts quarantine) {
        if (first.quarantineRecords() != quarantine.quarantineRecords() || first.inputRows() != quarantine.inputRows()) {
            throw new IllegalStateException("the input changed while the job ran: the first pass set aside "
                    + first.quarantineRecords() + " of " + first.inputRows() + " rows' records, the quarantine pass "
                    + quarantine.quarantineRecords() + " of " + quarantine.inputRows());
        }
    }

    /**
     * Steps hashed by series into input.partitions; by default into Spark's shuffle partitions, which
     * adaptive execution merges by size: a few dozen series hashed straight into one partition per
     * task slot leave one task with far more windows than another (42% and 58% of 100 series here).
     */
    private Dataset<Row> bySeries(Dataset<Row> steps) {
        Column series = col(config.input().seriesId());
        return config.input().partitions() > 0 ? steps.repartition(config.input().partitions(), series)
                : steps.repartition(series);
    }

    /** Steps partitioned by series and sorted by time; the forecast cutoff applied first. */
    private Dataset<Row> sortedSteps(InputSteps input) {
        JobConfig.Input in = config.input();
        Dataset<Row> steps = input.steps();
        if (config.mode() == WindowMode.FORECAST && config.forecastCutoff().isPresent()) {
            steps = steps.filter(col(in.timestamp()).leq(cutoff(config.forecastCutoff().get(), input.timestampType())));
        }
        return bySeries(steps)
                .sortWithinPartitions(col(in.seriesId()), col(in.timestamp()));
    }

    /**
     * Steps numbered within their series and sorted chunk-major: (chunk index, series, timestamp), so
     * that a task meets the first chunk of every series, then the second, and so on.
     */
    private Dataset<Row> chunkMajorSteps(InputSteps input, int chunkLength) {
        JobConfig.Input in = config.input();
        Column step = row_number().over(Window.partitionBy(col(in.seriesId())).orderBy(col(in.timestamp()))).minus(1);
        return bySeries(input.steps())
                .withColumn(CHUNK_COLUMN, floor(step.divide(chunkLength)).cast(DataTypes.LongType))
                .sortWithinPartitions(col(CHUNK_COLUMN), col(in.seriesId()), col(in.timestamp()));
    }

    /** Stream mode carries state and writes per-step outputs; say why when the configuration cannot. */
    private void checkStreamable(ModelCall call, int chunkLength) {
        if (config.input().onBad() == JobConfig.BadInput.QUARANTINE) {
            throw new ConfigException("input.on-bad = quarantine cannot be used with mode = stream: a step set "
                    + "aside would shift every later state of its series; fix the input, or use mode = extract");
        }
        if (config.window().maxGap().isPresent()) {
            throw new ConfigException("window.max-gap cannot be used with mode = stream, which carries the state "
                    + "across every step of a series");
        }
        if (call.states().isEmpty()) {
            throw new ConfigException("mode = stream carries the LSTM's state from chunk to chunk, but model "
                    + config.model().path() + " was given no state to carry: tap its LSTM layers "
                    + "(outputs such as h = \"lstm:0.sequence\"), or set model.state-inputs and "
                    + "model.state-outputs to the model's own initial-state inputs and final-state outputs");
        }
        for (ModelCall.FetchedOutput output : call.outputs()) {
            if (output.rank() == 0 || output.windowShape()[0] != chunkLength) {
                throw new ConfigException("outputs." + output.column() + " (" + output.ref() + ") has shape "
                        + Arrays.toString(output.windowShape()) + " per chunk; stream mode writes per-step outputs, "
                        + "shaped [" + chunkLength + ", ...] for chunks of window.length " + chunkLength
                        + " steps: choose an output sequence");
            }
        }
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
        List<ModelRequest.StatePair> states = new ArrayList<>();
        for (int s = 0; s < config.model().stateInputs().size(); s++) {
            states.add(new ModelRequest.StatePair(TensorRef.parse(config.model().stateInputs().get(s)),
                    TensorRef.parse(config.model().stateOutputs().get(s))));
        }
        return new ModelRequest(source, config.model().signature(), config.model().input().map(TensorRef::parse),
                outputs, states, List.of());
    }

    private RunReport report(Instant started, CheckedModel model, RunReport.Counts counts, List<TaskStats> tasks) {
        ModelCall call = model.call();
        List<RunReport.OutputInfo> outputs = call.outputs().stream()
                .map(o -> new RunReport.OutputInfo(o.column(), o.ref(), o.tensorName(), o.type().name().toLowerCase(),
                        o.windowShape()))
                .toList();
        return new RunReport("succeeded", started.toString(), Instant.now().toString(), config.rendered(),
                new RunReport.ModelInfo(model.given().path(), model.format().name().toLowerCase(), model.fingerprint(),
                        config.model().signature(), call.inputTensor(), call.inputWindowShape(), outputs),
                counts,
                new RunReport.ModelLoads(tasks.stream().mapToLong(TaskStats::modelLoads).sum(), model.loadedNow() ? 1 : 0),
                RunReport.byExecutor(tasks),
                stageMillis,
                model.taps().map(LstmSparkJob::tapInfo).orElse(null));
    }

    private static RunReport.StateTapInfo tapInfo(StateTapPlanner.Plan plan) {
        List<RunReport.TapLayerInfo> layers = plan.layers().stream()
                .map(l -> new RunReport.TapLayerInfo(l.name(), l.position(), l.features(), l.units(),
                        l.activation().orElseThrow().kerasName(), l.recurrentActivation().orElseThrow().kerasName(),
                        l.useBias(), new TreeMap<>(l.sources())))
                .toList();
        TapCheck check = plan.check();
        return new RunReport.StateTapInfo(plan.configSource(), layers, check.status().name().toLowerCase(Locale.ROOT),
                check.detail(), Double.isNaN(check.maxDifference()) ? null : check.maxDifference());
    }

    private void lap(String stage, long startedNanos) {
        stageMillis.put(stage, (System.nanoTime() - startedNanos) / 1_000_000);
    }
}
