package io.lstmspark.model;

import java.util.List;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;

/** Runs a resolved {@link ModelCall} on one input batch: one session run, every output fetched. */
public final class BatchRunner {

    private final ModelCall call;
    private final List<String> fetches;

    public BatchRunner(ModelCall call) {
        this.call = call;
        this.fetches = call.outputs().stream().map(ModelCall.FetchedOutput::tensorName).distinct().toList();
    }

    /**
     * Feeds {@code input} (shape [windows, ...inputWindowShape]) and copies every output out. The
     * caller keeps ownership of {@code input}; the result tensors are closed here.
     */
    public BatchOutputs run(LoadedModel model, Tensor input) {
        int windows = Math.toIntExact(input.shape().size(0));
        call.extensions().forEach(model::extend);
        Session.Runner runner = model.session().runner().feed(call.inputTensor(), input);
        fetches.forEach(runner::fetch);
        List<ModelCall.FetchedOutput> outputs = call.outputs();
        Object[] values = new Object[outputs.size()];
        try (Result result = runner.run()) {
            for (int i = 0; i < outputs.size(); i++) {
                ModelCall.FetchedOutput output = outputs.get(i);
                Tensor tensor = result.get(fetches.indexOf(output.tensorName()));
                checkShape(output, tensor.shape(), windows);
                values[i] = copyOut(output, tensor, windows);
            }
        }
        return new BatchOutputs(outputs, values, windows);
    }

    private static void checkShape(ModelCall.FetchedOutput output, Shape shape, int windows) {
        long[] expected = new long[output.rank() + 1];
        expected[0] = windows;
        System.arraycopy(output.windowShape(), 0, expected, 1, output.rank());
        if (!shape.equals(Shape.of(expected))) {
            throw new IllegalStateException("output " + output.column() + " (" + output.tensorName()
                    + ") has shape " + shape + " for this batch, expected " + Shape.of(expected)
                    + " as the driver's probe found");
        }
    }

    private static Object copyOut(ModelCall.FetchedOutput output, Tensor tensor, int windows) {
        int size = Math.multiplyExact(windows, output.windowSize());
        if (output.type() == ElementType.FLOAT32) {
            float[] floats = new float[size];
            ((TFloat32) tensor).copyTo(DataBuffers.of(floats, false, false));
            return floats;
        }
        double[] doubles = new double[size];
        ((TFloat64) tensor).copyTo(DataBuffers.of(doubles, false, false));
        return doubles;
    }
}
