package io.lstmspark.series;

import java.io.Serializable;
import java.lang.reflect.Array;
import java.util.Arrays;
import org.apache.spark.sql.Row;

/**
 * Feature scaling as scikit-learn's MinMaxScaler and StandardScaler do it, decided on the driver and
 * shipped with the task: applied to every step's values as they are read, and undone on the output
 * columns that are in a feature's units as output rows are made.
 *
 * <p>Parameters are two per feature, in a flat array {@code [a0, b0, a1, b1, ...]}: min and max
 * (minmax) or mean and standard deviation (standard). They are fixed for the job, or fitted per
 * series and read from each row's {@code 2 x features} fields from {@code paramsField}. A fitted
 * zero range (a constant feature) counts as 1, as scikit-learn's own fit does.
 */
public final class FeatureScaling implements Serializable {

    public enum Kind { NONE, MINMAX, STANDARD }

    /** No scaling. */
    public static final FeatureScaling NONE = new FeatureScaling(Kind.NONE, 0, 1, null, -1, new int[0]);

    private final Kind kind;
    private final double low;
    private final double high;
    private final double[] fixed;
    private final int paramsField;
    private final int[] inverseFeature;

    private FeatureScaling(Kind kind, double low, double high, double[] fixed, int paramsField, int[] inverseFeature) {
        this.kind = kind;
        this.low = low;
        this.high = high;
        this.fixed = fixed;
        this.paramsField = paramsField;
        this.inverseFeature = inverseFeature;
    }

    /**
     * @param low            the MinMaxScaler's feature range (0, 1 for standard scaling)
     * @param params         fixed parameters, or null when fitted per series
     * @param paramsField    the row field of the first fitted parameter (-1 when fixed)
     * @param inverseFeature per output column, the feature whose scaling it undoes, or -1
     */
    public static FeatureScaling of(Kind kind, double low, double high, double[] params, int paramsField,
                                    int[] inverseFeature) {
        return new FeatureScaling(kind, low, high, params == null ? null : params.clone(), paramsField,
                inverseFeature.clone());
    }

    public boolean active() {
        return kind != Kind.NONE;
    }

    /** Whether each series has its own parameters, which the output then carries. */
    public boolean perSeries() {
        return fixed == null && active();
    }

    public Kind kind() {
        return kind;
    }

    /**
     * Fills {@code into} (2 per feature) with the parameters of the row's series: the fixed ones, or the
     * row's fitted fields (NaN where a series had no value to fit on).
     */
    public void readParams(Row row, double[] into) {
        if (fixed != null) {
            System.arraycopy(fixed, 0, into, 0, fixed.length);
            return;
        }
        for (int p = 0; p < into.length; p++) {
            into[p] = row.isNullAt(paramsField + p) ? Double.NaN : row.getDouble(paramsField + p);
        }
    }

    /** Feature {@code f}'s value {@code x} in model units. */
    public double apply(double x, int f, double[] params) {
        double a = params[2 * f];
        double b = params[2 * f + 1];
        return switch (kind) {
            case NONE -> x;
            case MINMAX -> (x - a) * ((high - low) / nonZero(b - a)) + low;
            case STANDARD -> (x - a) / nonZero(b);
        };
    }

    /** A model-units value {@code y} back in feature {@code f}'s units. */
    public double invert(double y, int f, double[] params, int offset) {
        double a = params[offset + 2 * f];
        double b = params[offset + 2 * f + 1];
        return switch (kind) {
            case NONE -> y;
            case MINMAX -> (y - low) / ((high - low) / nonZero(b - a)) + a;
            case STANDARD -> y * nonZero(b) + a;
        };
    }

    /**
     * Output column {@code output}'s value for one window (a boxed scalar or a nested primitive array)
     * in its feature's units: arrays are scaled in place, a scalar is boxed anew; columns without
     * inverse scaling as they are.
     *
     * @param params the window's parameters from {@code offset}
     */
    public Object invertOutput(int output, Object value, double[] params, int offset) {
        int f = output < inverseFeature.length ? inverseFeature[output] : -1;
        if (f < 0) {
            return value;
        }
        if (value instanceof Float scalar) {
            return (float) invert(scalar, f, params, offset);
        }
        if (value instanceof Double scalar) {
            return invert(scalar, f, params, offset);
        }
        invertInPlace(value, f, params, offset);
        return value;
    }

    private void invertInPlace(Object array, int f, double[] params, int offset) {
        if (array instanceof float[] floats) {
            for (int i = 0; i < floats.length; i++) {
                floats[i] = (float) invert(floats[i], f, params, offset);
            }
        } else if (array instanceof double[] doubles) {
            for (int i = 0; i < doubles.length; i++) {
                doubles[i] = invert(doubles[i], f, params, offset);
            }
        } else {
            for (int i = 0; i < Array.getLength(array); i++) {
                invertInPlace(Array.get(array, i), f, params, offset);
            }
        }
    }

    /** One window's fitted parameter {@code which} (0: min or mean, 1: max or std) of every feature. */
    public static double[] column(double[] params, int offset, int features, int which) {
        double[] values = new double[features];
        for (int f = 0; f < features; f++) {
            values[f] = params[offset + 2 * f + which];
        }
        return values;
    }

    private static double nonZero(double range) {
        return range == 0 ? 1 : range;
    }

    @Override
    public String toString() {
        return kind + (fixed == null ? " per series" : " " + Arrays.toString(fixed));
    }
}
