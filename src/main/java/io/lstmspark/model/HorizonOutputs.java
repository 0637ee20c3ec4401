package io.lstmspark.model;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.List;

/**
 * A forecast horizon's outputs as one batch whose every output holds N values per window, value k being
 * step k + 1 after the window's end: from a direct model's [N] or [N, 1] outputs, or from the N calls of a
 * recursive one (one value per window each).
 */
public final class HorizonOutputs {

    private HorizonOutputs() {
    }

    /** A direct model's outputs, each [N] or [N, 1] per window, as [N]. */
    public static BatchOutputs direct(BatchOutputs outputs, int horizon) {
        List<ModelCall.FetchedOutput> fetched = new ArrayList<>();
        OutputValues[] values = new OutputValues[outputs.outputs().size()];
        for (int o = 0; o < values.length; o++) {
            fetched.add(perStep(outputs.outputs().get(o), horizon));
            values[o] = OutputValues.of(outputs.values(o).array(), new long[] {horizon});
        }
        return new BatchOutputs(fetched, values, new OutputValues[0], outputs.windows());
    }

    /** The N calls of a one-step model, call k giving one value per window and output: step k + 1. */
    public static BatchOutputs recursive(List<BatchOutputs> calls) {
        BatchOutputs first = calls.get(0);
        int horizon = calls.size();
        int windows = first.windows();
        List<ModelCall.FetchedOutput> fetched = new ArrayList<>();
        OutputValues[] values = new OutputValues[first.outputs().size()];
        for (int o = 0; o < values.length; o++) {
            fetched.add(perStep(first.outputs().get(o), horizon));
            Object firstValues = first.values(o).array();
            Object steps = Array.newInstance(firstValues.getClass().getComponentType(), windows * horizon);
            for (int k = 0; k < horizon; k++) {
                Object call = calls.get(k).values(o).array();
                for (int w = 0; w < windows; w++) {
                    Array.set(steps, w * horizon + k, Array.get(call, w));
                }
            }
            values[o] = OutputValues.of(steps, new long[] {horizon});
        }
        return new BatchOutputs(fetched, values, new OutputValues[0], windows);
    }

    private static ModelCall.FetchedOutput perStep(ModelCall.FetchedOutput output, int horizon) {
        return new ModelCall.FetchedOutput(output.column(), output.ref(), output.tensorName(), output.type(),
                new long[] {horizon});
    }
}
