package io.lstmspark.model;

import java.util.List;

/**
 * The outputs of one batch, copied out of TensorFlow into heap arrays (the tensors are closed).
 * Output {@code i} holds {@code windows x outputs.get(i).windowSize()} values, window after window.
 */
public final class BatchOutputs {

    private final List<ModelCall.FetchedOutput> outputs;
    private final Object[] values;
    private final Object[] states;
    private final int windows;

    BatchOutputs(List<ModelCall.FetchedOutput> outputs, Object[] values, Object[] states, int windows) {
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

    /** Values of a float32 output. */
    public float[] floats(int output) {
        return (float[]) values[output];
    }

    /** Carried state {@code state} after each window, {@code windows x size} values (float[] or double[]). */
    public Object state(int state) {
        return states[state];
    }

    /** Values of a float64 output. */
    public double[] doubles(int output) {
        return (double[]) values[output];
    }
}
