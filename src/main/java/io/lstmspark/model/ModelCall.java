package io.lstmspark.model;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;

/**
 * A model call resolved on the driver, ready for executors: the tensor to feed with its per-window
 * shape and type and the model's fixed batch size if it has one, the tensors to fetch with the
 * per-window shape each one has, the states carried from chunk to chunk (stream mode), and the ops to
 * add to the model's graph first (built once per loaded model, see {@link LoadedModel#extend}).
 */
public record ModelCall(String inputTensor, ElementType inputType, long[] inputWindowShape, int fixedBatch,
                        List<FetchedOutput> outputs, List<CarriedState> states, List<GraphExtension> extensions)
        implements Serializable {

    /** {@link #fixedBatch()} of a model that takes batches of any size. */
    public static final int ANY_BATCH = 0;

    public ModelCall {
        inputWindowShape = inputWindowShape.clone();
        outputs = List.copyOf(outputs);
        states = List.copyOf(states);
        extensions = List.copyOf(extensions);
    }

    public ModelCall(String inputTensor, ElementType inputType, long[] inputWindowShape, List<FetchedOutput> outputs) {
        this(inputTensor, inputType, inputWindowShape, ANY_BATCH, outputs, List.of(), List.of());
    }

    /**
     * Rows of the tensors fed for a batch of {@code windows}: the windows themselves, or the model's
     * fixed batch, which a short batch fills with zero windows whose outputs are dropped.
     */
    public int fedRows(int windows) {
        return fixedBatch == ANY_BATCH ? windows : fixedBatch;
    }

    /**
     * A state fed as {@code inputTensor} [batch, size] and fetched after the window as
     * {@code outputTensor} [batch, size], so the next chunk of a series starts where this one ended.
     */
    public record CarriedState(String inputTensor, String outputTensor, ElementType type, int size)
            implements Serializable {
    }

    @Override
    public long[] inputWindowShape() {
        return inputWindowShape.clone();
    }

    /**
     * One fetched output.
     *
     * @param column      output column name
     * @param ref         the reference as the user wrote it
     * @param tensorName  graph tensor fetched ({@code op:N})
     * @param type        element type of the fetched tensor
     * @param windowShape shape of one window's slice (the tensor's shape without the batch dimension)
     */
    public record FetchedOutput(String column, String ref, String tensorName, ElementType type,
                                long[] windowShape) implements Serializable {
        public FetchedOutput {
            windowShape = windowShape.clone();
        }

        @Override
        public long[] windowShape() {
            return windowShape.clone();
        }

        public int rank() {
            return windowShape.length;
        }

        /** Values per window: the product of the window shape. */
        public int windowSize() {
            return Math.toIntExact(Arrays.stream(windowShape).reduce(1, Math::multiplyExact));
        }
    }
}
