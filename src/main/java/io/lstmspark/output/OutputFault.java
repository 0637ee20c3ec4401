package io.lstmspark.output;

import io.lstmspark.model.BatchOutputs;
import io.lstmspark.model.OutputValues;
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

    /** Looks for faults in one batch's outputs, window by window; shapes and sizes are read once per batch. */
    public static final class Finder {
        private final BatchOutputs outputs;
        private final List<ModelCall.FetchedOutput> fetched;
        private final long[][] shapes;
        private final int[] sizes;

        public Finder(BatchOutputs outputs) {
            this.outputs = outputs;
            this.fetched = outputs.outputs();
            this.shapes = new long[fetched.size()][];
            this.sizes = new int[fetched.size()];
            for (int o = 0; o < fetched.size(); o++) {
                shapes[o] = fetched.get(o).windowShape();
                sizes[o] = fetched.get(o).windowSize();
            }
        }

        /**
         * The first NaN or infinite value of each output column in batch slot {@code slot}; empty when all are
         * finite. One pass over the slot's values.
         *
         * @param steps stream mode: only the first {@code steps} steps are real (the rest pads a short chunk);
         *              -1: the whole window
         */
        public List<OutputFault> find(int slot, int steps) {
            List<OutputFault> faults = List.of();
            for (int o = 0; o < sizes.length; o++) {
                int size = sizes[o];
                int from = slot * size;
                int to = from + (steps < 0 ? size : steps * (size / Math.toIntExact(shapes[o][0])));
                OutputValues values = outputs.values(o);
                int at = values.firstNonFinite(from, to);
                if (at >= 0) {
                    if (faults.isEmpty()) {
                        faults = new ArrayList<>(sizes.length);
                    }
                    faults.add(new OutputFault(fetched.get(o).column(), values.isNaN(at),
                            position(at - from, shapes[o])));
                }
            }
            return faults;
        }
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
