package io.lstmspark.api;

import io.lstmspark.driver.LstmTransform;
import io.lstmspark.report.Counts;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The transform of a Dataset of steps, defined and checked but not computed: its rows, the records it
 * sets aside, and the counts its tasks hand back as they run.
 *
 * <p>Nothing is set aside silently: under input.on-bad = fail and output.on-nan = fail (the defaults)
 * the caller's action fails on the first bad row or window, with the job's message; under quarantine,
 * {@link #setAside()} says, after an action over {@link #rows()}, whether {@link #quarantine()} holds records
 * to write.
 */
public final class LstmResult {

    private final LstmTransform transform;

    LstmResult(LstmTransform transform) {
        this.transform = transform;
    }

    /** Windows (chunks or steps in stream mode) with the output columns; the job's output without constant columns. */
    public Dataset<Row> rows() {
        return transform.rows();
    }

    /**
     * The records set aside, with the schema of the job's {@code _quarantine}: a second run over the steps,
     * which evaluates the windows again only under output.on-nan = quarantine.
     */
    public Dataset<Row> quarantine() {
        return transform.quarantine();
    }

    /**
     * The counts of the tasks that have computed {@link #rows()} so far (the run report's counts): after one
     * action over every row (a write), the transform's counts; each further action over the rows adds its own.
     */
    public Counts counts() {
        return transform.counts();
    }

    /** Whether the actions over {@link #rows()} so far set records aside, which {@link #quarantine()} holds. */
    public boolean setAside() {
        return counts().quarantineRecords() > 0;
    }

    /** Steps per window (per chunk in stream mode): windowLength, or the length the model declares. */
    public int windowLength() {
        return transform.windowLength();
    }
}
