package io.lstmspark.series;

/** What can be wrong with one input row. */
public enum RowProblem {
    /** A CSV line Spark could not split into the schema's columns. */
    MALFORMED_LINE("malformed_line", true),
    NULL_SERIES_ID("null_series_id", true),
    NULL_TIMESTAMP("null_timestamp", true),
    UNPARSEABLE_TIMESTAMP("unparseable_timestamp", true),
    /** A second row at a timestamp its series already has: which one is right cannot be known. */
    DUPLICATE_TIMESTAMP("duplicate_timestamp", true),
    NULL_VALUE("null_value", false),
    NAN_VALUE("nan_value", false),
    INFINITE_VALUE("infinite_value", false),
    /** A finite value a float32 model would receive as infinity. */
    OUT_OF_FLOAT32_RANGE("out_of_float32_range", false);

    private final String label;
    private final boolean unplaceable;

    RowProblem(String label, boolean unplaceable) {
        this.label = label;
        this.unplaceable = unplaceable;
    }

    public String label() {
        return label;
    }

    /**
     * True when the row cannot take a place in a series at all; false for a step that has its place
     * (windows are cut around it) but whose values cannot be fed to the model.
     */
    public boolean unplaceable() {
        return unplaceable;
    }

    /** The reason given to a window that contains a step with this problem. */
    public String windowLabel() {
        return "window_has_" + label;
    }

    /** Classifies one feature value: null for a usable value. */
    public static RowProblem ofValue(double value) {
        if (Double.isNaN(value)) {
            return NAN_VALUE;
        }
        return Double.isInfinite(value) ? INFINITE_VALUE : null;
    }
}
