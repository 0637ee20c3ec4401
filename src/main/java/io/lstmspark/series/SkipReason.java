package io.lstmspark.series;

/** Why a stretch of input gave no window although it had rows. */
public enum SkipReason {
    /** A whole series has fewer steps than a window. */
    SERIES_SHORTER_THAN_WINDOW("series_shorter_than_window"),
    /** A stretch between two gaps ({@code window.max-gap}) has fewer steps than a window. */
    SEGMENT_SHORTER_THAN_WINDOW("segment_shorter_than_window"),
    /**
     * Forecast mode reading only the history before the cutoff (forecast.lookback or frequency): a series has
     * fewer steps than a window in it, though it may have more before.
     */
    FEWER_STEPS_WITHIN_LOOKBACK("fewer_steps_than_window_within_forecast_lookback");

    private final String label;

    SkipReason(String label) {
        this.label = label;
    }

    /** The name used in logs and in the run report. */
    public String label() {
        return label;
    }
}
