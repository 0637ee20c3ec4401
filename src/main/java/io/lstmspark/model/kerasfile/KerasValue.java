package io.lstmspark.model.kerasfile;

import org.tensorflow.Operand;

/** A Keras tensor being built: its op and its shape without the batch dimension. */
record KerasValue(Operand<?> op, long[] shape) {
    int rank() {
        return shape.length;
    }

    long last() {
        return shape[shape.length - 1];
    }
}
