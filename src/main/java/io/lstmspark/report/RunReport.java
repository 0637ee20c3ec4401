package io.lstmspark.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * The run report written beside the output as {@value #FILE_NAME}: configuration, model identity,
 * counts that reconcile, per-executor model facts and wall time per stage.
 */
public record RunReport(
        String status,
        String startedAt,
        String finishedAt,
        Map<String, Object> config,
        ModelInfo model,
        Counts counts,
        ModelLoads modelLoads,
        Map<String, ExecutorInfo> executors,
        Map<String, Long> stageMillis,
        @JsonInclude(JsonInclude.Include.NON_NULL) StateTapInfo stateTaps,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<SkippedInputFile> inputFilesSkipped,
        @JsonInclude(JsonInclude.Include.NON_NULL) Backtest backtest,
        @JsonInclude(JsonInclude.Include.NON_NULL) Map<String, Object> scaling,
        @JsonInclude(JsonInclude.Include.NON_NULL) ForecastRead forecastRead) implements ReportDocument {

    /** Leading underscore: Spark, Parquet readers and DuckDB globs of *.parquet skip it. */
    public static final String FILE_NAME = "_run_report.json";

    /** A report without backtest errors, scaling or forecast read. */
    public RunReport(String status, String startedAt, String finishedAt, Map<String, Object> config, ModelInfo model,
                     Counts counts, ModelLoads modelLoads, Map<String, ExecutorInfo> executors,
                     Map<String, Long> stageMillis, StateTapInfo stateTaps, List<SkippedInputFile> inputFilesSkipped) {
        this(status, startedAt, finishedAt, config, model, counts, modelLoads, executors, stageMillis, stateTaps,
                inputFilesSkipped, null, null, null);
    }

    /** This report with the backtest's errors (null: none computed). */
    public RunReport withBacktest(Backtest errors) {
        return new RunReport(status, startedAt, finishedAt, config, model, counts, modelLoads, executors, stageMillis,
                stateTaps, inputFilesSkipped, errors, scaling, forecastRead);
    }

    public record ModelInfo(String path, String format, String fingerprint, String signature, String inputTensor,
                            long[] inputWindowShape, List<OutputInfo> outputs) {
    }

    /** An input file Spark skipped as unreadable (ignoreCorruptFiles): its rows are in no count. */
    public record SkippedInputFile(String path, String reason) {
    }

    /**
     * What forecast mode read: steps from {@code from} to {@code cutoff} (pushed down to the scan), or
     * everything; {@code rowsRead} counts the input rows after that filter.
     *
     * @param cutoffSource forecast.cutoff, or the latest timestamp of the input
     * @param files        Parquet files read of the input's, when their statistics left some out
     */
    public record ForecastRead(String filter, String from, String cutoff, String cutoffSource, String lookback,
                               long rowsRead, long cutoffMillis,
                               @JsonInclude(JsonInclude.Include.NON_NULL) String files) {
    }

    public record OutputInfo(String column, String ref, String tensor, String type, long[] windowShape) {
    }

    /**
     * LSTM state taps (absent when none were requested): the layers computed, where their configuration
     * and weights were read, and the self-check of the taps against the model's own output.
     *
     * @param selfCheck       passed, failed or not_checked
     * @param maxDifference   largest relative difference from the model's output; null when not checked
     */
    public record StateTapInfo(String configSource, List<TapLayerInfo> layers, String selfCheck,
                               String selfCheckDetail, Double maxDifference) {
    }

    public record TapLayerInfo(String name, int position, int features, int units, String activation,
                               String recurrentActivation, boolean useBias, Map<String, String> sources) {
    }

    /**
     * Loads of the model by this run: at most one per JVM. In local mode the driver's check loads the
     * session its tasks then share, so tasks load nothing.
     *
     * @param executors loads in executor tasks (1 per executor JVM that had none yet)
     * @param driver    1 if the driver loaded the model to check it before any task ran, 0 if its JVM had it
     */
    public record ModelLoads(long executors, long driver) {
    }

    /**
     * What one executor did: model loads (1 per executor JVM per model), tasks, batches, windows written,
     * TensorFlow's thread settings and time in session runs.
     *
     * @param host the executor's host
     * @param pid  the executor JVM's process id: with the host, which JVM loaded the model
     * @param lstmGatesKernel whether its model computed LSTM gates in lstm-spark's kernel (README, "LSTM step
     *                        kernel"): false where the build made none, it was switched off or failed to load,
     *                        and for graphs without steps lstm-spark built
     */
    public record ExecutorInfo(String host, long pid, long modelLoads, long tasks, long batches, long windows,
                               String threads, long modelMillis, boolean lstmGatesKernel) {
    }

    public static ObjectMapper mapper() {
        return new ObjectMapper()
                .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(SerializationFeature.INDENT_OUTPUT)
                .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
    }

    /** Per-executor totals of the tasks' stats. */
    public static Map<String, ExecutorInfo> byExecutor(List<TaskStats> tasks) {
        Map<String, ExecutorInfo> executors = new TreeMap<>();
        for (TaskStats task : tasks) {
            executors.merge(task.executorId(),
                    new ExecutorInfo(task.host(), task.pid(), task.modelLoads(), 1, task.counts().batches(),
                            task.counts().windowsWritten(), task.threads(), task.modelNanos() / 1_000_000,
                            task.gatesKernel()),
                    (a, b) -> new ExecutorInfo(a.host(), a.pid(), a.modelLoads() + b.modelLoads(),
                            a.tasks() + b.tasks(), a.batches() + b.batches(), a.windows() + b.windows(), a.threads(),
                            a.modelMillis() + b.modelMillis(), a.lstmGatesKernel() || b.lstmGatesKernel()));
        }
        return executors;
    }

    /** Writes the report as {@code <directory>/_run_report.json} on any Hadoop file system. */
    public Path writeTo(String directory, Configuration hadoopConf) {
        return writeJson(new Path(directory, FILE_NAME), hadoopConf, true, "the run report");
    }
}
