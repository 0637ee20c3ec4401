package io.lstmspark.report;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
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
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<SkippedInputFile> inputFilesSkipped) {

    /** Leading underscore: Spark, Parquet readers and DuckDB globs of *.parquet skip it. */
    public static final String FILE_NAME = "_run_report.json";

    public record ModelInfo(String path, String format, String fingerprint, String signature, String inputTensor,
                            long[] inputWindowShape, List<OutputInfo> outputs) {
    }

    /** An input file Spark skipped as unreadable (ignoreCorruptFiles): its rows are in no count. */
    public record SkippedInputFile(String path, String reason) {
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
     * Counts that reconcile: {@code input_rows} = rows placed + sum(rows_rejected) + rows_after_cutoff;
     * {@code windows_cut} = {@code windows_written} + sum(windows_quarantined);
     * {@code quarantine_records} = sum(rows_rejected) + sum(rows_with_bad_values) + sum(windows_quarantined).
     *
     * In stream mode a window is a chunk.
     *
     * <p>One type for every count of the job: a task counts into its own instance as it runs (the
     * {@code count} methods), hands it to the driver in its {@link TaskStats}, and the run report holds
     * the tasks' counts added up ({@link #plus}).
     */
    @JsonAutoDetect(fieldVisibility = JsonAutoDetect.Visibility.ANY, getterVisibility = JsonAutoDetect.Visibility.NONE,
            isGetterVisibility = JsonAutoDetect.Visibility.NONE)
    @JsonPropertyOrder({"inputRows", "rowsRejected", "rowsWithBadValues", "series", "gaps", "skipped", "windowsCut",
            "windowsWritten", "windowsQuarantined", "quarantineRecords", "batches", "peakCarriedStates", "nanOutputs",
            "rowsAfterCutoff"})
    @JsonIgnoreProperties(value = "quarantine_records", allowGetters = true)
    public static final class Counts implements Serializable {
        private static final long serialVersionUID = 1L;

        private long inputRows;
        /** Rows that could take no place in a series, by reason. */
        private final Map<String, Long> rowsRejected = new TreeMap<>();
        /** Rows placed in their series whose values cannot be fed, by reason. */
        private final Map<String, Long> rowsWithBadValues = new TreeMap<>();
        /** Series seen, skipped ones included. */
        private long series;
        /** Gaps wider than window.max-gap. */
        private long gaps;
        /** Series (or segments between gaps) that gave no window, by reason. */
        private final Map<String, Long> skipped = new TreeMap<>();
        /** Windows cut: written + quarantined. */
        private long windowsCut;
        /** Windows evaluated and written. */
        private long windowsWritten;
        /** Windows left out, by reason. */
        private final Map<String, Long> windowsQuarantined = new TreeMap<>();
        /** TensorFlow session runs. */
        private long batches;
        /** Stream mode: most series whose LSTM state one task held at once. */
        private long peakCarriedStates;
        /** Windows whose output column held NaN or infinite values, by column, whatever output.on-nan did. */
        private final Map<String, Long> nanOutputs = new TreeMap<>();
        /** Forecast mode: rows with a valid key after forecast.cutoff (checked, then left out). */
        private long rowsAfterCutoff;

        /** All counts zero. */
        public Counts() {
        }

        /** Totals of the tasks' counts. */
        public static Counts of(List<TaskStats> tasks) {
            return tasks.stream().map(TaskStats::counts).reduce(new Counts(), Counts::plus);
        }

        /** Every count of both added up, but peak_carried_states: a peak per task, the larger of the two. */
        public Counts plus(Counts other) {
            Counts sum = new Counts();
            sum.add(this);
            sum.add(other);
            return sum;
        }

        private void add(Counts other) {
            inputRows += other.inputRows;
            series += other.series;
            gaps += other.gaps;
            windowsCut += other.windowsCut;
            windowsWritten += other.windowsWritten;
            batches += other.batches;
            peakCarriedStates = Math.max(peakCarriedStates, other.peakCarriedStates);
            rowsAfterCutoff += other.rowsAfterCutoff;
            other.rowsRejected.forEach((reason, n) -> rowsRejected.merge(reason, n, Long::sum));
            other.rowsWithBadValues.forEach((reason, n) -> rowsWithBadValues.merge(reason, n, Long::sum));
            other.skipped.forEach((reason, n) -> skipped.merge(reason, n, Long::sum));
            other.windowsQuarantined.forEach((reason, n) -> windowsQuarantined.merge(reason, n, Long::sum));
            other.nanOutputs.forEach((column, n) -> nanOutputs.merge(column, n, Long::sum));
        }

        public void countInputRow() {
            inputRows++;
        }

        /** A row that could take no place in a series. */
        public void countRowRejected(String reason) {
            rowsRejected.merge(reason, 1L, Long::sum);
        }

        /** A row placed in its series whose values cannot be fed. */
        public void countRowWithBadValues(String reason) {
            rowsWithBadValues.merge(reason, 1L, Long::sum);
        }

        public void countRowAfterCutoff() {
            rowsAfterCutoff++;
        }

        public void addSeries(long seen) {
            series += seen;
        }

        public void addGaps(long found) {
            gaps += found;
        }

        /** A series or segment that gave no window. */
        public void countSkipped(String reason) {
            skipped.merge(reason, 1L, Long::sum);
        }

        public void countWindowCut() {
            windowsCut++;
        }

        public void countWindowWritten() {
            windowsWritten++;
        }

        public void countWindowQuarantined(String reason) {
            windowsQuarantined.merge(reason, 1L, Long::sum);
        }

        /** A window whose output column holds NaN or infinite values. */
        public void countNanOutput(String column) {
            nanOutputs.merge(column, 1L, Long::sum);
        }

        public void countBatch() {
            batches++;
        }

        /** Series states held at once by a stream task: the peak is kept. */
        public void noteCarriedStates(long held) {
            peakCarriedStates = Math.max(peakCarriedStates, held);
        }

        public long inputRows() {
            return inputRows;
        }

        public Map<String, Long> rowsRejected() {
            return Collections.unmodifiableMap(rowsRejected);
        }

        public Map<String, Long> rowsWithBadValues() {
            return Collections.unmodifiableMap(rowsWithBadValues);
        }

        public long series() {
            return series;
        }

        public long gaps() {
            return gaps;
        }

        public Map<String, Long> skipped() {
            return Collections.unmodifiableMap(skipped);
        }

        public long windowsCut() {
            return windowsCut;
        }

        public long windowsWritten() {
            return windowsWritten;
        }

        public Map<String, Long> windowsQuarantined() {
            return Collections.unmodifiableMap(windowsQuarantined);
        }

        /** Quarantine records the input gives: rejected rows, rows with bad values, windows left out. */
        @JsonProperty
        public long quarantineRecords() {
            return sum(rowsRejected) + sum(rowsWithBadValues) + sum(windowsQuarantined);
        }

        public long batches() {
            return batches;
        }

        public long peakCarriedStates() {
            return peakCarriedStates;
        }

        public Map<String, Long> nanOutputs() {
            return Collections.unmodifiableMap(nanOutputs);
        }

        public long rowsAfterCutoff() {
            return rowsAfterCutoff;
        }

        private static long sum(Map<String, Long> counts) {
            return counts.values().stream().mapToLong(Long::longValue).sum();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Counts other && inputRows == other.inputRows && series == other.series
                    && gaps == other.gaps && windowsCut == other.windowsCut && windowsWritten == other.windowsWritten
                    && batches == other.batches && peakCarriedStates == other.peakCarriedStates
                    && rowsAfterCutoff == other.rowsAfterCutoff && rowsRejected.equals(other.rowsRejected)
                    && rowsWithBadValues.equals(other.rowsWithBadValues) && skipped.equals(other.skipped)
                    && windowsQuarantined.equals(other.windowsQuarantined) && nanOutputs.equals(other.nanOutputs);
        }

        @Override
        public int hashCode() {
            return Objects.hash(inputRows, rowsRejected, rowsWithBadValues, series, gaps, skipped, windowsCut,
                    windowsWritten, windowsQuarantined, batches, peakCarriedStates, nanOutputs, rowsAfterCutoff);
        }

        @Override
        public String toString() {
            return "Counts[inputRows=" + inputRows + ", rowsRejected=" + rowsRejected + ", rowsWithBadValues="
                    + rowsWithBadValues + ", series=" + series + ", gaps=" + gaps + ", skipped=" + skipped
                    + ", windowsCut=" + windowsCut + ", windowsWritten=" + windowsWritten + ", windowsQuarantined="
                    + windowsQuarantined + ", batches=" + batches + ", peakCarriedStates=" + peakCarriedStates
                    + ", nanOutputs=" + nanOutputs + ", rowsAfterCutoff=" + rowsAfterCutoff + "]";
        }
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
     */
    public record ExecutorInfo(String host, long pid, long modelLoads, long tasks, long batches, long windows,
                               String threads, long modelMillis) {
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
                            task.counts().windowsWritten(), task.threads(), task.modelNanos() / 1_000_000),
                    (a, b) -> new ExecutorInfo(a.host(), a.pid(), a.modelLoads() + b.modelLoads(), a.tasks() + b.tasks(),
                            a.batches() + b.batches(), a.windows() + b.windows(), a.threads(),
                            a.modelMillis() + b.modelMillis()));
        }
        return executors;
    }

    /** Writes the report as {@code <directory>/_run_report.json} on any Hadoop file system. */
    public Path writeTo(String directory, Configuration hadoopConf) {
        Path path = new Path(directory, FILE_NAME);
        try {
            FileSystem fs = path.getFileSystem(hadoopConf);
            try (OutputStream out = fs.create(path, true)) {
                mapper().writeValue(out, this);
            }
            return path;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the run report to " + path, e);
        }
    }

    @JsonProperty("tool")
    public String tool() {
        return "lstm-spark";
    }
}
