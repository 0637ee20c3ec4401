package io.lstmspark.job;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.lstmspark.model.LoadedModel;
import io.lstmspark.model.ModelCall;
import io.lstmspark.model.ModelCallResolver;
import io.lstmspark.model.ModelFingerprint;
import io.lstmspark.model.ModelKey;
import io.lstmspark.model.ModelRequest;
import io.lstmspark.model.ModelSource;
import io.lstmspark.model.SessionThreads;
import io.lstmspark.model.TensorRef;
import io.lstmspark.output.OutputSchema;
import io.lstmspark.output.RunReport;
import io.lstmspark.output.TaskStats;
import io.lstmspark.series.InputColumns;
import io.lstmspark.series.InputDataException;
import io.lstmspark.series.WindowMode;
import io.lstmspark.series.WindowSpec;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
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
 * evaluates and writes in one Spark job, and writes the run report beside the output.
 */
public final class LstmSparkJob {

    private static final Logger LOG = LoggerFactory.getLogger(LstmSparkJob.class);

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
        Dataset<Row> input = readInput();
        JobConfig.Input in = config.input();
        InputColumns.Checked columns = InputColumns.check(input.schema(), in.path(), in.seriesId(), in.timestamp(),
                in.features());
        lap("input_check", t0);

        long t1 = System.nanoTime();
        ModelSource source = new ModelSource(config.model().path(), config.model().tags());
        String fingerprint = ModelFingerprint.of(source.localPath());
        SessionThreads threads = sessionThreads();
        ModelRequest request = modelRequest(source);
        ModelCall call;
        int windowLength;
        try (LoadedModel probe = LoadedModel.load(source, threads)) {
            windowLength = config.window().length().isPresent() ? config.window().length().getAsInt()
                    : ModelCallResolver.declaredWindowLength(probe, request).orElseThrow(() -> new ConfigException(
                    "window.length is not set and model " + source.path() + " does not declare its input length: "
                            + "set window.length"));
            call = ModelCallResolver.resolve(probe, request, windowLength, in.features().size());
        }
        lap("model_check", t1);
        WindowSpec windows = new WindowSpec(config.mode(), windowLength, config.window().stride());
        ExecutionPlan plan = new ExecutionPlan(windows, in.features(), call.inputType(), config.batchSize(),
                new ModelKey(source, threads, fingerprint), call);
        LOG.info("Model {} ({}): input {} {}, outputs {}", source.path(), fingerprint, call.inputTensor(),
                java.util.Arrays.toString(call.inputWindowShape()), config.outputs());

        long t2 = System.nanoTime();
        LongAccumulator windowProgress = spark.sparkContext().longAccumulator("lstm-spark windows");
        CollectionAccumulator<TaskStats> taskStats = spark.sparkContext().collectionAccumulator("lstm-spark task stats");
        StructType schema = OutputSchema.of(columns.seriesIdType(), columns.timestampType(), call.outputs());
        Dataset<Row> results = sortedSteps(input, columns.timestampType())
                .mapPartitions(new WindowInference(plan, windowProgress, taskStats), Encoders.row(schema));
        JobProgress progress = new JobProgress(windowProgress.id());
        spark.sparkContext().addSparkListener(progress);
        try {
            results.write()
                    .mode(config.output().mode() == JobConfig.OutputMode.OVERWRITE ? SaveMode.Overwrite : SaveMode.ErrorIfExists)
                    .parquet(config.output().path());
        } finally {
            spark.sparkContext().removeSparkListener(progress);
        }
        lap("read_window_infer_write", t2);

        RunReport report = report(started, source, fingerprint, call, new ArrayList<>(taskStats.value()));
        report.writeTo(config.output().path(), spark.sparkContext().hadoopConfiguration());
        LOG.info("Wrote {} windows of {} series to {} ({} series skipped: {})", report.counts().windowsWritten(),
                report.counts().series(), config.output().path(),
                report.counts().seriesSkipped().values().stream().mapToLong(Long::longValue).sum(),
                report.counts().seriesSkipped());
        return report;
    }

    private Dataset<Row> readInput() {
        JobConfig.Input in = config.input();
        Map<String, String> options = new LinkedHashMap<>();
        if (in.format().equals("csv")) {
            options.put("header", "true");
            options.put("inferSchema", "true");
        }
        options.putAll(in.options());
        try {
            return spark.read().format(in.format()).options(options).load(in.path());
        } catch (Exception e) {
            // Scala hides that load() throws the checked AnalysisException (e.g. a missing path).
            if (e instanceof org.apache.spark.sql.AnalysisException) {
                throw new InputDataException("cannot read input.path " + in.path() + " as " + in.format() + ": "
                        + e.getMessage().lines().findFirst().orElse(""));
            }
            throw e;
        }
    }

    /** Steps as (series id, timestamp, features as double...), partitioned by series and sorted by time. */
    private Dataset<Row> sortedSteps(Dataset<Row> input, DataType timestampType) {
        JobConfig.Input in = config.input();
        List<Column> columns = new ArrayList<>();
        columns.add(col(in.seriesId()));
        columns.add(col(in.timestamp()));
        for (String feature : in.features()) {
            columns.add(col(feature).cast(DataTypes.DoubleType));
        }
        Dataset<Row> steps = input.select(columns.toArray(Column[]::new));
        if (config.mode() == WindowMode.FORECAST && config.forecastCutoff().isPresent()) {
            steps = steps.filter(col(in.timestamp()).leq(cutoff(config.forecastCutoff().get(), timestampType)));
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

    private SessionThreads sessionThreads() {
        int taskCpus = Integer.parseInt(spark.conf().get("spark.task.cpus", "1"));
        int intra = config.model().intraOpThreads() > 0 ? config.model().intraOpThreads() : taskCpus;
        int inter = config.model().interOpThreads() != 0 ? config.model().interOpThreads() : taskCpus;
        return new SessionThreads(intra, inter);
    }

    private ModelRequest modelRequest(ModelSource source) {
        Map<String, TensorRef> outputs = new LinkedHashMap<>();
        config.outputs().forEach((column, ref) -> outputs.put(column, TensorRef.parse(ref)));
        return new ModelRequest(source, config.model().signature(), config.model().input().map(TensorRef::parse),
                outputs);
    }

    private RunReport report(Instant started, ModelSource source, String fingerprint, ModelCall call,
                             List<TaskStats> tasks) {
        long inputRows = 0;
        long series = 0;
        long windows = 0;
        long batches = 0;
        long loads = 0;
        Map<String, Long> skipped = new TreeMap<>();
        for (TaskStats task : tasks) {
            inputRows += task.inputRows();
            series += task.series();
            windows += task.windows();
            batches += task.batches();
            loads += task.modelLoads();
            task.seriesSkipped().forEach((reason, n) -> skipped.merge(reason, n, Long::sum));
        }
        List<RunReport.OutputInfo> outputs = call.outputs().stream()
                .map(o -> new RunReport.OutputInfo(o.column(), o.ref(), o.tensorName(), o.type().name().toLowerCase(),
                        o.windowShape()))
                .toList();
        return new RunReport("succeeded", started.toString(), Instant.now().toString(), config.rendered(),
                new RunReport.ModelInfo(source.path(), source.format().name().toLowerCase(), fingerprint,
                        config.model().signature(), call.inputTensor(), call.inputWindowShape(), outputs),
                new RunReport.Counts(inputRows, series, windows, skipped, batches),
                new RunReport.ModelLoads(loads, 1),
                RunReport.byExecutor(tasks),
                stageMillis);
    }

    private void lap(String stage, long startedNanos) {
        stageMillis.put(stage, (System.nanoTime() - startedNanos) / 1_000_000);
    }
}
