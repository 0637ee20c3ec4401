package io.lstmspark.series;

/** Why a series produced no window although it had input rows. */
public enum SkipReason {
    SERIES_SHORTER_THAN_WINDOW("series_shorter_than_window");

    private final String label;

    SkipReason(String label) {
        this.label = label;
    }

    /** The name used in logs and in the run report. */
    public String label() {
        return label;
    }
}
