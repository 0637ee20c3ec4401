package io.lstmspark.driver;

import io.lstmspark.config.ConfigException;
import io.lstmspark.model.ModelCall;

/**
 * Windows per TensorFlow call: {@code batch.size}, fewer when a batch would need more than
 * {@code batch.max-bytes} of native memory; exactly the model's own batch size if it has a fixed one.
 * A batch lives three times outside the heap: the Arrow vectors, the input tensor copied from them,
 * and the output tensors.
 */
record BatchSizing(int windows, long bytesPerWindow, int requested, long maxBytes, boolean fixedByModel) {

    static BatchSizing of(ModelCall call, int length, int features, int requestedWindows, long maxBytes) {
        long input = (long) length * features * call.inputType().bytes();
        long outputs = call.outputs().stream().mapToLong(o -> (long) o.windowSize() * o.type().bytes()).sum();
        long states = call.states().stream().mapToLong(s -> 2L * s.size() * s.type().bytes()).sum();
        long perWindow = 2 * input + outputs + states;
        if (call.fixedBatch() != ModelCall.ANY_BATCH) {
            long needed = perWindow * call.fixedBatch();
            if (needed > maxBytes) {
                throw new ConfigException("the model takes batches of exactly " + call.fixedBatch() + " windows, "
                        + needed + " bytes of native memory at " + perWindow
                        + " bytes a window, more than batch.max-bytes "
                        + maxBytes + ": raise batch.max-bytes to at least " + needed);
            }
            return new BatchSizing(call.fixedBatch(), perWindow, requestedWindows, maxBytes, true);
        }
        int fitting = (int) Math.max(1, Math.min(Integer.MAX_VALUE, maxBytes / perWindow));
        return new BatchSizing(Math.min(requestedWindows, fitting), perWindow, requestedWindows, maxBytes, false);
    }

    /** Fewer windows per call than batch.size, to stay within batch.max-bytes. */
    boolean reduced() {
        return !fixedByModel && windows < requested;
    }
}
