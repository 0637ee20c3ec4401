package io.lstmspark.series;

/** Which windows of a series the job evaluates. */
public enum WindowMode {
    /** Every sliding window of {@code length} steps, {@code stride} steps apart. */
    EXTRACT,
    /** Only the last complete window of each series (at or before the cutoff, applied upstream). */
    FORECAST
}
