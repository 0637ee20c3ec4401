package io.lstmspark.series;

/** Why a stretch of input gave no window although it had rows. */
public enum SkipReason {
    /** A whole series has fewer steps than a window. */
    SERIES_SHORTER_THAN_WINDOW("series_shorter_than_window"),
    /** A stretch between two gaps ({@code window.max-gap}) has fewer steps than a window. */
    SEGMENT_SHORTER_THAN_WINDOW("segment_shorter_than_window");

    private final String label;

    SkipReason(String label) {
        this.label = label;
    }

    /** The name used in logs and in the run report. */
    public String label() {
        return label;
    }
}
