package io.lstmspark.output;

import io.lstmspark.model.BatchOutputs;
import io.lstmspark.model.ElementType;
import io.lstmspark.model.ModelCall;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A NaN or infinite value in one window's slice of an output column: what {@code output.on-nan} acts on.
 *
 * @param column the output column
 * @param nan    true for NaN, false for an infinity
 * @param index  the value's position within the window's output, as in the column's nested arrays
 */
public record OutputFault(String column, boolean nan, long[] index) {

    /** Quarantine reasons: a window's first fault names it. */
    public static final String REASON_NAN = "output_nan";
    public static final String REASON_INFINITE = "output_infinite";

    /**
     * The first NaN or infinite value of each output column in batch slot {@code slot}; empty when all are
     * finite. One pass over the slot's values.
     *
     * @param steps stream mode: only the first {@code steps} steps are real (the rest pads a short chunk);
     *              -1: the whole window
     */
    public static List<OutputFault> find(BatchOutputs outputs, int slot, int steps) {
        List<OutputFault> faults = List.of();
        List<ModelCall.FetchedOutput> fetched = outputs.outputs();
        for (int o = 0; o < fetched.size(); o++) {
            ModelCall.FetchedOutput output = fetched.get(o);
            long[] shape = output.windowShape();
            int size = output.windowSize();
            int real = steps < 0 ? size : steps * (size / Math.toIntExact(shape[0]));
            int from = slot * size;
            int at = -1;
            boolean nan = false;
            if (output.type() == ElementType.FLOAT32) {
                float[] values = outputs.floats(o);
                for (int i = from; i < from + real && at < 0; i++) {
                    if (!Float.isFinite(values[i])) {
                        at = i;
                        nan = Float.isNaN(values[i]);
                    }
                }
            } else {
                double[] values = outputs.doubles(o);
                for (int i = from; i < from + real && at < 0; i++) {
                    if (!Double.isFinite(values[i])) {
                        at = i;
                        nan = Double.isNaN(values[i]);
                    }
                }
            }
            if (at >= 0) {
                if (faults.isEmpty()) {
                    faults = new ArrayList<>(fetched.size());
                }
                faults.add(new OutputFault(output.column(), nan, position(at - from, shape)));
            }
        }
        return faults;
    }

    /** The quarantine reason of a window with these faults. */
    public static String reason(List<OutputFault> faults) {
        return faults.get(0).nan() ? REASON_NAN : REASON_INFINITE;
    }

    /** E.g. "outputs.forecast is NaN at [0], outputs.h is infinite at [3]". */
    public static String describe(List<OutputFault> faults) {
        List<String> parts = new ArrayList<>();
        for (OutputFault fault : faults) {
            parts.add("outputs." + fault.column() + " is " + (fault.nan() ? "NaN" : "infinite")
                    + (fault.index().length == 0 ? "" : " at " + Arrays.toString(fault.index())));
        }
        return String.join(", ", parts);
    }

    private static long[] position(int offset, long[] shape) {
        long[] index = new long[shape.length];
        long rest = offset;
        for (int d = shape.length - 1; d >= 0; d--) {
            index[d] = rest % shape[d];
            rest /= shape[d];
        }
        return index;
    }
}
