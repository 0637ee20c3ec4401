package io.lstmspark.config;

/** Which windows of a series the job evaluates. */
public enum WindowMode {
    /** Every sliding window of {@code length} steps, {@code stride} steps apart. */
    EXTRACT,
    /** Only the last complete window of each series (at or before the cutoff, applied upstream). */
    FORECAST,
    /** Every step of every series once, in chunks, the LSTM state carried from chunk to chunk. */
    STREAM
}
