package io.lstmspark.series;

import io.lstmspark.config.WindowMode;
import java.io.Serializable;

/**
 * The shape of the windows cut from every series.
 *
 * @param mode   sliding windows or the last window per series
 * @param length steps per window
 * @param stride steps between the starts of consecutive windows (extract mode)
 */
public record WindowSpec(WindowMode mode, int length, int stride) implements Serializable {
    public WindowSpec {
        if (length < 1) {
            throw new IllegalArgumentException("window length must be at least 1, got " + length);
        }
        if (stride < 1) {
            throw new IllegalArgumentException("window stride must be at least 1, got " + stride);
        }
    }
}
