package io.lstmspark.job;

import io.lstmspark.model.ModelCall;

/**
 * Windows per TensorFlow call: {@code batch.size}, fewer when a batch would need more than
 * {@code batch.max-bytes} of native memory. A batch lives three times outside the heap: the Arrow
 * vectors, the input tensor copied from them, and the output tensors.
 */
record BatchSizing(int windows, long bytesPerWindow, int requested, long maxBytes) {

    static BatchSizing of(ModelCall call, int length, int features, int requestedWindows, long maxBytes) {
        long input = (long) length * features * call.inputType().bytes();
        long outputs = call.outputs().stream().mapToLong(o -> (long) o.windowSize() * o.type().bytes()).sum();
        long states = call.states().stream().mapToLong(s -> 2L * s.size() * s.type().bytes()).sum();
        long perWindow = 2 * input + outputs + states;
        int fitting = (int) Math.max(1, Math.min(Integer.MAX_VALUE, maxBytes / perWindow));
        return new BatchSizing(Math.min(requestedWindows, fitting), perWindow, requestedWindows, maxBytes);
    }

    boolean reduced() {
        return windows < requested;
    }
}
