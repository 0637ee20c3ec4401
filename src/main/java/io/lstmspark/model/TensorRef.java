package io.lstmspark.model;

import java.io.Serializable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a user names a model input or output: a signature key ({@code forecast}) or the N-th output
 * of a top-level graph operation ({@code lstm/while/Exit_3:0}).
 */
public sealed interface TensorRef extends Serializable permits TensorRef.SignatureKey, TensorRef.GraphTensor {

    Pattern GRAPH_TENSOR = Pattern.compile("(.+):(\\d+)");

    static TensorRef parse(String text) {
        Matcher matcher = GRAPH_TENSOR.matcher(text);
        if (matcher.matches()) {
            return new GraphTensor(matcher.group(1), Integer.parseInt(matcher.group(2)));
        }
        return new SignatureKey(text);
    }

    /** A key of the chosen signature's inputs or outputs. */
    record SignatureKey(String key) implements TensorRef {
        @Override
        public String toString() {
            return key;
        }
    }

    /** Output {@code index} of operation {@code op} in the top-level graph. */
    record GraphTensor(String op, int index) implements TensorRef {
        public String name() {
            return op + ":" + index;
        }

        @Override
        public String toString() {
            return name();
        }
    }
}
