package io.lstmspark.series;

import java.util.List;
import org.apache.spark.sql.Row;

/**
 * Reads one input row as a step: series id, timestamp, feature values, and what is wrong with it.
 * The reader is reused for every row of a task (its fields describe the last row read).
 */
public final class StepReader {

    /**
     * Where a row's fields are. Features are consecutive doubles from {@code firstFeature};
     * {@code rawTimestamp} holds the timestamp as written when it had to be parsed (or -1),
     * {@code malformedLine} the text of a CSV line Spark could not parse (or -1); {@code scaling} turns
     * the values read into the model's units.
     */
    public record Layout(int seriesId, int timestamp, int firstFeature, List<String> featureNames, int rawTimestamp,
                         int malformedLine, String seriesIdName, String timestampName, FeatureScaling scaling)
            implements java.io.Serializable {
        public Layout {
            featureNames = List.copyOf(featureNames);
        }

        public Layout(int seriesId, int timestamp, int firstFeature, List<String> featureNames, int rawTimestamp,
                      int malformedLine, String seriesIdName, String timestampName) {
            this(seriesId, timestamp, firstFeature, featureNames, rawTimestamp, malformedLine, seriesIdName,
                    timestampName, FeatureScaling.NONE);
        }

        public Layout withScaling(FeatureScaling scaling) {
            return new Layout(seriesId, timestamp, firstFeature, featureNames, rawTimestamp, malformedLine,
                    seriesIdName, timestampName, scaling);
        }
    }

    private final Layout layout;
    private final boolean needsTime;
    private final boolean float32;
    private final double[] values;
    /** The values as the input holds them, before scaling. */
    private final double[] rawValues;
    private final FeatureScaling scaling;
    /** The row's series' scaling parameters, 2 per feature. */
    private final double[] scalingParams;

    private Object seriesId;
    private Object timestamp;
    private long time;
    private RowProblem problem;
    private String detail;

    /**
     * @param needsTime whether timestamps are put on the {@link TimeAxis} (for gap detection)
     * @param float32   whether the model takes float32, so that finite values beyond its range are bad
     */
    public StepReader(Layout layout, boolean needsTime, boolean float32) {
        this.layout = layout;
        this.needsTime = needsTime;
        this.float32 = float32;
        this.values = new double[layout.featureNames().size()];
        this.rawValues = new double[values.length];
        this.scaling = layout.scaling();
        this.scalingParams = new double[2 * values.length];
        if (scaling.active() && !scaling.perSeries()) {
            scaling.readParams(null, scalingParams);
        }
    }

    /**
     * Reads the row. Returns false when it cannot take a place in a series ({@link #problem()} says
     * why); true otherwise, with {@link #problem()} set when its values cannot be fed.
     */
    public boolean read(Row row) {
        problem = null;
        detail = null;
        seriesId = row.get(layout.seriesId());
        timestamp = row.get(layout.timestamp());
        if (scaling.perSeries()) {
            scaling.readParams(row, scalingParams);
        }
        if (layout.malformedLine() >= 0 && !row.isNullAt(layout.malformedLine())) {
            return reject(RowProblem.MALFORMED_LINE, "line: " + row.getString(layout.malformedLine()).strip());
        }
        if (seriesId == null) {
            return reject(RowProblem.NULL_SERIES_ID, "series id column '" + layout.seriesIdName() + "' is null");
        }
        if (timestamp == null) {
            if (layout.rawTimestamp() >= 0 && !row.isNullAt(layout.rawTimestamp())) {
                return reject(RowProblem.UNPARSEABLE_TIMESTAMP, "timestamp column '" + layout.timestampName()
                        + "' holds '" + row.get(layout.rawTimestamp())
                        + "', which does not parse as a timestamp: text timestamps "
                        + "are read as ISO-8601 unless input.timestamp-format gives a Spark datetime pattern "
                        + "(e.g. input.timestamp-format = \"dd/MM/yyyy HH:mm\")");
            }
            return reject(RowProblem.NULL_TIMESTAMP, "timestamp column '" + layout.timestampName() + "' is null");
        }
        time = needsTime ? TimeAxis.of(timestamp) : 0;
        for (int f = 0; f < values.length; f++) {
            int field = layout.firstFeature() + f;
            RowProblem valueProblem;
            if (row.isNullAt(field)) {
                values[f] = Double.NaN;
                rawValues[f] = Double.NaN;
                valueProblem = RowProblem.NULL_VALUE;
            } else {
                values[f] = row.getDouble(field);
                rawValues[f] = values[f];
                valueProblem = RowProblem.ofValue(values[f]);
                if (valueProblem == null && scaling.active()) {
                    // The one place feature values enter: windows, chunks and anything cut later are in model units.
                    values[f] = scaling.apply(values[f], f, scalingParams);
                    valueProblem = RowProblem.ofValue(values[f]);
                }
                if (float32 && valueProblem == null && Float.isInfinite((float) values[f])) {
                    valueProblem = RowProblem.OUT_OF_FLOAT32_RANGE;
                }
            }
            if (valueProblem != null && problem == null) {
                problem = valueProblem;
                detail = "feature '" + layout.featureNames().get(f) + "' is "
                        + (valueProblem == RowProblem.NULL_VALUE ? "null" : String.valueOf(values[f]))
                        + (valueProblem == RowProblem.OUT_OF_FLOAT32_RANGE ? ", beyond the float32 model's range" : "");
            }
        }
        return true;
    }

    private boolean reject(RowProblem rowProblem, String why) {
        problem = rowProblem;
        detail = why;
        return false;
    }

    public Object seriesId() {
        return seriesId;
    }

    public Object timestamp() {
        return timestamp;
    }

    public long time() {
        return time;
    }

    /** The step's values; valid until the next read. */
    public double[] values() {
        return values;
    }

    /** The step's values as the input holds them (before scaling); valid until the next read. */
    public double[] rawValues() {
        return rawValues;
    }

    /** The scaling parameters of the last row's series (2 per feature); valid until the next read. */
    public double[] scalingParams() {
        return scalingParams;
    }

    /** What is wrong with the last row read, or null. */
    public RowProblem problem() {
        return problem;
    }

    /** The problem in words: the column and value, or the malformed line. */
    public String detail() {
        return detail;
    }
}
