package io.lstmspark.report;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.io.Serializable;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

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
public final class Counts implements Serializable {
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
