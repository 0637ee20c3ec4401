package io.lstmspark.model;

import java.util.List;

/**
 * The outputs of one batch, copied out of TensorFlow (the tensors are closed). Output {@code i} holds
 * {@code windows x outputs.get(i).windowSize()} values, window after window.
 */
public final class BatchOutputs {

    private final List<ModelCall.FetchedOutput> outputs;
    private final OutputValues[] values;
    private final OutputValues[] states;
    private final int windows;

    BatchOutputs(List<ModelCall.FetchedOutput> outputs, OutputValues[] values, OutputValues[] states, int windows) {
        this.outputs = outputs;
        this.values = values;
        this.states = states;
        this.windows = windows;
    }

    public int windows() {
        return windows;
    }

    public List<ModelCall.FetchedOutput> outputs() {
        return outputs;
    }

    /** The values of output {@code output}, of its element type. */
    public OutputValues values(int output) {
        return values[output];
    }

    /** Carried state {@code state} after each window, {@code windows x size} values (float[] or double[]). */
    public Object state(int state) {
        return states[state].array();
    }
}
