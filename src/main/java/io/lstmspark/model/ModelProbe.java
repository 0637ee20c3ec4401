package io.lstmspark.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.ndarray.Shape;

/**
 * Runs the model on a probe batch (two windows, or the model's fixed batch) on the driver, to learn
 * each output's per-window shape and type, check the carried states' shapes and, with the same
 * windows fed twice, that the model keeps no state between calls ({@link StatelessCheck}).
 */
final class ModelProbe {

    private static final int PROBE_WINDOWS = 2;

    private ModelProbe() {
    }

    /** The call that feeds {@code input} and fetches {@code outputs} (by column) and {@code states}. */
    static ModelCall call(LoadedModel model, ModelRequest request, WindowInput input, Map<String, FoundTensor> outputs,
                          List<TensorLookup.FoundState> states) {
        int fixedBatch = input.fixedBatch();
        int rows = fixedBatch == ModelCall.ANY_BATCH ? probeRows(outputs.values()) : fixedBatch;
        long[] windowShape = input.windowShape();
        long[] probeShape = new long[windowShape.length + 1];
        probeShape[0] = rows;
        System.arraycopy(windowShape, 0, probeShape, 1, windowShape.length);
        List<String> fetches = Stream.concat(outputs.values().stream(),
                states.stream().map(TensorLookup.FoundState::output)).map(FoundTensor::name).distinct().toList();
        Probe probe = new Probe(model, input, probeShape, states, fetches);
        List<ModelCall.FetchedOutput> fetched = new ArrayList<>();
        List<ModelCall.CarriedState> carried = new ArrayList<>();
        try (Result result = probe.run(); Result again = probe.run()) {
            // Before the outputs' shapes, which a stateful export also gets wrong.
            StatelessCheck.check(model, outputs, fetches, result, again);
            for (Map.Entry<String, FoundTensor> entry : outputs.entrySet()) {
                FoundTensor output = entry.getValue();
                Tensor tensor = result.get(fetches.indexOf(output.name()));
                fetched.add(fetchedOutput(model, entry.getKey(), request.outputs().get(entry.getKey()),
                        output, tensor, rows, fixedBatch));
            }
            for (TensorLookup.FoundState state : states) {
                Shape after = result.get(fetches.indexOf(state.output().name())).shape();
                if (!after.equals(Shape.of(rows, state.size()))) {
                    throw new ModelException("model " + model.source().path() + ": state output "
                            + state.output().description() + " gave shape " + after + " where its input "
                            + state.input().description() + " takes [" + rows + ", " + state.size()
                            + "]: pair each of model.state-inputs with the output that continues it");
                }
                carried.add(new ModelCall.CarriedState(state.input().name(), state.output().name(), state.type(),
                        state.size()));
            }
        } catch (TensorFlowException | IllegalArgumentException e) {
            // TensorFlow reports some failures as IllegalArgumentException (TFInvalidArgumentException).
            throw new ModelException("model " + model.source().path() + " failed on a probe batch of "
                    + Arrays.toString(probeShape) + " fed to " + input.description() + ": "
                    + e.getMessage().lines().findFirst().orElse(""), e);
        }
        return new ModelCall(input.tensor(), input.type(), windowShape, fixedBatch, fetched, carried,
                request.extensions());
    }

    /**
     * Windows in the probe batch of a model whose input takes any batch: two, unless an output
     * declares a fixed first dimension, as a stateful Keras export does (its state variables are
     * [batch, units]); such an output is refused later unless the input declares the same batch.
     */
    private static int probeRows(Collection<FoundTensor> outputs) {
        return outputs.stream().mapToInt(FoundTensor::fixedBatch)
                .filter(batch -> batch != ModelCall.ANY_BATCH).findFirst().orElse(PROBE_WINDOWS);
    }

    /** Session runs on a probe batch: varied windows, zero states, every output fetched. */
    private record Probe(LoadedModel model, WindowInput input, long[] shape, List<TensorLookup.FoundState> states,
                         List<String> fetches) {

        /** Runs once; the fed tensors are closed here, the caller closes the result. */
        Result run() {
            List<Tensor> fed = new ArrayList<>();
            try {
                Session.Runner runner = model.session().runner();
                fed.add(varied(input.type(), shape));
                runner.feed(input.tensor(), fed.get(0));
                for (TensorLookup.FoundState state : states) {
                    fed.add(zeros(state.type(), new long[] {shape[0], state.size()}));
                    runner.feed(state.input().name(), fed.get(fed.size() - 1));
                }
                fetches.forEach(runner::fetch);
                return runner.run();
            } finally {
                fed.forEach(Tensor::close);
            }
        }
    }

    /** Windows of values between -1 and 1 that differ from step to step and feature to feature. */
    private static Tensor varied(ElementType type, long[] shape) {
        double[] values = new double[Math.toIntExact(Shape.of(shape).size())];
        Arrays.setAll(values, i -> Math.sin(0.37 * (i + 1)));
        return FloatTensors.of(type, Shape.of(shape), values);
    }

    /** Zeros written out: a new tensor's memory holds whatever was there before. */
    private static Tensor zeros(ElementType type, long[] shape) {
        return FloatTensors.of(type, Shape.of(shape), new double[Math.toIntExact(Shape.of(shape).size())]);
    }

    private static ModelCall.FetchedOutput fetchedOutput(LoadedModel model, String column, TensorRef ref,
                                                         FoundTensor output, Tensor tensor, int rows, int fixedBatch) {
        String where = "model " + model.source().path() + ": " + output.description() + " (outputs." + column + ")";
        Shape shape = tensor.shape();
        Shape declared = output.shape();
        int declaredFirst = output.fixedBatch();
        boolean fixedFirst = declaredFirst != ModelCall.ANY_BATCH && declaredFirst != fixedBatch;
        if (shape.numDimensions() == 0 || shape.get(0) != rows || fixedFirst) {
            throw new ModelException(where + " has shape " + declared + " and gave " + shape + " for a batch of "
                    + rows + " windows: its first dimension is not the batch, so it has no value per window;"
                    + " fix outputs." + column + " (`inspect --ops PATTERN` lists tensors with their shapes)");
        }
        ElementType type = ElementType.of(tensor.dataType()).orElseThrow(() -> new ModelException(
                where + " is " + tensor.dataType() + "; lstm-spark writes float32 or float64 outputs"));
        long[] windowShape = Arrays.copyOfRange(shape.asArray(), 1, shape.numDimensions());
        return new ModelCall.FetchedOutput(column, ref.toString(), output.name(), type, windowShape);
    }
}
