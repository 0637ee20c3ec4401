package io.lstmspark.config;

/** How stream-mode output is laid out (stream.layout). */
public enum StreamLayout {
    /** One row per chunk: series_id, chunk_index, chunk_start, chunk_end, steps, per-step arrays. */
    CHUNK,
    /** One row per timestep: series_id, step, timestamp, that step's values. */
    STEP
}
