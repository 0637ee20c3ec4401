package io.lstmspark.model;

import java.util.ArrayList;
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
        this.fetches = java.util.stream.Stream.concat(
                call.outputs().stream().map(ModelCall.FetchedOutput::tensorName),
                call.states().stream().map(ModelCall.CarriedState::outputTensor)).distinct().toList();
    }

    /**
     * Feeds {@code input} (shape [windows, ...inputWindowShape]) and copies every output out. The
     * caller keeps ownership of {@code input}; the result tensors are closed here.
     */
    public BatchOutputs run(LoadedModel model, Tensor input) {
        return run(model, input, List.of(), Math.toIntExact(input.shape().size(0)));
    }

    public ModelCall call() {
        return call;
    }

    /**
     * As {@link #run(LoadedModel, Tensor, List, int)} with the carried states as Java arrays: state
     * {@code s} of {@link ModelCall#states()} as a float[] or double[] of [rows, size] values, made into a
     * tensor here (one copy) and closed after the run.
     */
    public BatchOutputs run(LoadedModel model, Tensor input, Object[] initialStates, int windows) {
        int rows = Math.toIntExact(input.shape().size(0));
        List<Tensor> states = new ArrayList<>(initialStates.length);
        try {
            for (int s = 0; s < initialStates.length; s++) {
                ModelCall.CarriedState state = call.states().get(s);
                Shape shape = Shape.of(rows, state.size());
                states.add(switch (state.type()) {
                    case FLOAT32 -> TFloat32.tensorOf(shape, DataBuffers.of((float[]) initialStates[s], true, false));
                    case FLOAT64 -> TFloat64.tensorOf(shape, DataBuffers.of((double[]) initialStates[s], true, false));
                });
            }
            return run(model, input, states, windows);
        } finally {
            states.forEach(Tensor::close);
        }
    }

    /**
     * Feeds {@code input} and, in the order of {@link ModelCall#states()}, each carried state
     * [rows, size]; copies every output and every state after the window out for the first
     * {@code windows} rows: the rest are the zero windows that fill a model's fixed batch.
     */
    public BatchOutputs run(LoadedModel model, Tensor input, List<Tensor> states, int windows) {
        int rows = Math.toIntExact(input.shape().size(0));
        call.extensions().forEach(model::extend);
        Session.Runner runner = model.session().runner().feed(call.inputTensor(), input);
        for (int s = 0; s < states.size(); s++) {
            runner.feed(call.states().get(s).inputTensor(), states.get(s));
        }
        fetches.forEach(runner::fetch);
        List<ModelCall.FetchedOutput> outputs = call.outputs();
        OutputValues[] values = new OutputValues[outputs.size()];
        OutputValues[] stateValues = new OutputValues[call.states().size()];
        try (Result result = runner.run()) {
            for (int i = 0; i < outputs.size(); i++) {
                ModelCall.FetchedOutput output = outputs.get(i);
                Tensor tensor = result.get(fetches.indexOf(output.tensorName()));
                checkShape(output, tensor.shape(), rows);
                values[i] = OutputValues.copyOf(output.type(), tensor, windows, output.windowShape());
            }
            for (int s = 0; s < stateValues.length; s++) {
                ModelCall.CarriedState state = call.states().get(s);
                stateValues[s] = OutputValues.copyOf(state.type(), result.get(fetches.indexOf(state.outputTensor())),
                        windows, new long[] {state.size()});
            }
        }
        return new BatchOutputs(outputs, values, stateValues, windows);
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
}
