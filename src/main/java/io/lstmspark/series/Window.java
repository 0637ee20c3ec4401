package io.lstmspark.series;

/**
 * A read-only view of one window's steps, valid only during the {@link WindowCutter.Sink} callback
 * that receives it: the cutter reuses its buffer for the next step.
 */
public interface Window {
    Object seriesId();

    int length();

    int features();

    /** Feature {@code feature} of step {@code step}, step 0 being the oldest. */
    double value(int step, int feature);

    Object timestamp(int step);

    /** Every value, step 0 first, into {@code into}[0, length x features) in row-major order. */
    default void copyValues(double[] into) {
        for (int step = 0; step < length(); step++) {
            for (int feature = 0; feature < features(); feature++) {
                into[step * features() + feature] = value(step, feature);
            }
        }
    }

    default Object start() {
        return timestamp(0);
    }

    default Object end() {
        return timestamp(length() - 1);
    }
}
