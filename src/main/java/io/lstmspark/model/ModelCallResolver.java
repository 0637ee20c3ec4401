package io.lstmspark.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.Tensor;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;

/**
 * Turns a {@link ModelRequest} into a {@link ModelCall} on the driver, before any task runs:
 * finds the tensors, checks the input's declared shape and type against the windows, and runs a
 * two-window probe to learn each output's per-window shape. Every refusal names the model, the
 * tensor, what was expected and found, and the configuration key to change.
 */
public final class ModelCallResolver {

    private static final int PROBE_WINDOWS = 2;

    private ModelCallResolver() {
    }

    /** A tensor found in the model, with what the model declares about it. */
    private record FoundTensor(String name, String description, Shape shape, DataType type) {
    }

    /** A carried state: the tensor fed before a chunk and the one fetched after it, of {@code size} values. */
    private record FoundState(FoundTensor input, FoundTensor output, int size, ElementType type) {
    }

    public static ModelCall resolve(LoadedModel model, ModelRequest request, int windowLength, int features) {
        FoundTensor input = findInput(model, request);
        ElementType inputType = inputType(model, input);
        long[] windowShape = adaptWindowShape(model, input, windowLength, features);

        request.extensions().forEach(model::extend);
        Map<String, FoundTensor> outputs = new LinkedHashMap<>();
        request.outputs().forEach((column, ref) -> outputs.put(column, findOutput(model, request, "outputs." + column, ref)));
        List<FoundState> states = new ArrayList<>();
        for (ModelRequest.StatePair pair : request.states()) {
            states.add(findState(model, request, pair));
        }
        return probe(model, request, input, inputType, windowShape, outputs, states);
    }

    private static FoundState findState(LoadedModel model, ModelRequest request, ModelRequest.StatePair pair) {
        FoundTensor in = pair.input() instanceof TensorRef.GraphTensor tensor
                ? graphTensor(model, tensor, "model.state-inputs")
                : signatureInput(model, request, ((TensorRef.SignatureKey) pair.input()).key(), "model.state-inputs");
        FoundTensor out = findOutput(model, request, "model.state-outputs", pair.output());
        Shape shape = in.shape();
        if (shape.isUnknown() || shape.numDimensions() != 2 || shape.size(1) <= 0) {
            throw new ModelException("model " + model.source().path() + ": state " + in.description() + " has shape "
                    + shape + "; a carried state must be [batch, size] with a known size: check model.state-inputs");
        }
        ElementType type = ElementType.of(in.type()).orElseThrow(() -> new ModelException("model "
                + model.source().path() + ": state " + in.description() + " is " + in.type()
                + "; carried states must be float32 or float64"));
        return new FoundState(in, out, Math.toIntExact(shape.size(1)), type);
    }

    /** The tensor the windows are fed to, with its type and the shape one window is fed in. */
    public record WindowInput(String tensor, ElementType type, long[] windowShape) {
        public WindowInput {
            windowShape = windowShape.clone();
        }

        @Override
        public long[] windowShape() {
            return windowShape.clone();
        }
    }

    /** The input {@link #resolve} feeds, for ops that read the same windows (graph extensions). */
    public static WindowInput windowInput(LoadedModel model, ModelRequest request, int windowLength, int features) {
        FoundTensor input = findInput(model, request);
        return new WindowInput(input.name(), inputType(model, input),
                adaptWindowShape(model, input, windowLength, features));
    }

    private static ElementType inputType(LoadedModel model, FoundTensor input) {
        return ElementType.of(input.type()).orElseThrow(() -> new ModelException(
                "model " + model.source().path() + ": " + input.description() + " takes " + input.type()
                        + "; lstm-spark feeds float32 or float64 windows: choose another input with model.input"));
    }

    /** The window length the model's input declares ([batch, length, features]), if it fixes one. */
    public static OptionalInt declaredWindowLength(LoadedModel model, ModelRequest request) {
        Shape shape = findInput(model, request).shape();
        return !shape.isUnknown() && shape.numDimensions() == 3 && shape.size(1) > 0
                ? OptionalInt.of(Math.toIntExact(shape.size(1))) : OptionalInt.empty();
    }

    private static FoundTensor findInput(LoadedModel model, ModelRequest request) {
        if (request.input().isPresent()) {
            return request.input().get() instanceof TensorRef.GraphTensor tensor
                    ? graphTensor(model, tensor, "model.input")
                    : signatureInput(model, request, ((TensorRef.SignatureKey) request.input().get()).key(),
                    "model.input");
        }
        Signature signature = signature(model, request, "model.input");
        List<String> candidates = new ArrayList<>(signature.getInputs().keySet());
        request.states().forEach(state -> candidates.remove(state.input().toString()));
        if (candidates.size() != 1) {
            throw new ModelException("model " + model.source().path() + ": signature '" + signature.key()
                    + "' has " + candidates.size() + " inputs " + candidates
                    + " besides its states: set model.input to the one that takes the windows");
        }
        return signatureInput(model, request, candidates.get(0), "model.input");
    }

    private static FoundTensor signatureInput(LoadedModel model, ModelRequest request, String key, String configKey) {
        Signature signature = signature(model, request, configKey);
        Signature.TensorDescription description = signature.getInputs().get(key);
        if (description == null) {
            throw new ModelException("model " + model.source().path() + ": signature '" + signature.key()
                    + "' has no input '" + key + "'; its inputs are " + signature.getInputs().keySet()
                    + ": set " + configKey + " to one of them (or to a graph tensor op:N)");
        }
        return new FoundTensor(description.name, "signature '" + signature.key() + "' input '" + key + "' ("
                + description.name + ")", description.shape, description.dataType);
    }

    private static FoundTensor findOutput(LoadedModel model, ModelRequest request, String configKey, TensorRef ref) {
        if (ref instanceof TensorRef.GraphTensor tensor) {
            return graphTensor(model, tensor, configKey);
        }
        if (ref instanceof TensorRef.LstmState state) {
            String name = request.extensions().stream().flatMap(e -> e.tensorFor(state).stream()).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no graph extension computes " + state
                            + " (" + configKey + "): the job plans state taps before resolving outputs"));
            Output<?> output = model.graph().output(name);
            return new FoundTensor(name, "LSTM state tap " + state + " (" + name + ")", output.shape(),
                    output.dataType());
        }
        String key = ((TensorRef.SignatureKey) ref).key();
        Signature signature = signature(model, request, configKey);
        Signature.TensorDescription description = signature.getOutputs().get(key);
        if (description == null) {
            throw new ModelException("model " + model.source().path() + ": signature '" + signature.key()
                    + "' has no output '" + key + "'; its outputs are " + signature.getOutputs().keySet()
                    + ": fix " + configKey + " (a signature output key, or a graph tensor op:N)");
        }
        return new FoundTensor(description.name, "signature '" + signature.key() + "' output '" + key + "' ("
                + description.name + ")", description.shape, description.dataType);
    }

    private static Signature signature(LoadedModel model, ModelRequest request, String configKey) {
        Signature signature = model.signatures().get(request.signature());
        if (signature == null) {
            String has = model.signatures().isEmpty()
                    ? "it has no signatures (a frozen GraphDef or a TF1 graph): name tensors as op:N in " + configKey
                    : "its signatures are " + model.signatures().keySet() + ": set model.signature to one of them";
            throw new ModelException("model " + model.source().path() + " has no signature '"
                    + request.signature() + "'; " + has);
        }
        return signature;
    }

    private static FoundTensor graphTensor(LoadedModel model, TensorRef.GraphTensor ref, String configKey) {
        Output<?> output = model.graphTensor(ref.op(), ref.index()).orElseThrow(() -> new ModelException(
                "model " + model.source().path() + " has no graph tensor " + ref.name()
                        + (model.graph().operation(ref.op()) == null
                        ? " (no operation named '" + ref.op() + "')"
                        : " (operation '" + ref.op() + "' has " + model.graph().operation(ref.op()).numOutputs()
                        + " outputs)")
                        + ": fix " + configKey + "; `inspect --ops PATTERN` lists the model's operations"));
        return new FoundTensor(ref.name(), "graph tensor " + ref.name(), output.shape(), output.dataType());
    }

    /**
     * The shape one window is fed in: [length, features] for a [batch, length, features] input, or
     * [length * features] for a model that takes flat windows and reshapes inside.
     */
    private static long[] adaptWindowShape(LoadedModel model, FoundTensor input, int length, int features) {
        Shape shape = input.shape();
        String where = "model " + model.source().path() + ": " + input.description();
        if (shape.isUnknown()) {
            return new long[] {length, features};
        }
        if (shape.numDimensions() > 0 && shape.size(0) > 0) {
            throw new ModelException(where + " has a fixed batch dimension " + shape
                    + "; lstm-spark needs a variable batch dimension (-1)");
        }
        if (shape.numDimensions() == 3) {
            if (shape.size(1) > 0 && shape.size(1) != length) {
                throw new ModelException(where + " expects windows of " + shape.size(1) + " steps (shape " + shape
                        + "), but window.length is " + length + ": set window.length = " + shape.size(1));
            }
            if (shape.size(2) > 0 && shape.size(2) != features) {
                throw new ModelException(where + " expects " + shape.size(2) + " features per step (shape " + shape
                        + "), but input.features lists " + features + ": list " + shape.size(2)
                        + " feature columns in input.features");
            }
            return new long[] {length, features};
        }
        if (shape.numDimensions() == 2 && shape.size(1) == (long) length * features) {
            return new long[] {(long) length * features};
        }
        throw new ModelException(where + " has shape " + shape + ", which cannot take windows of "
                + "[batch, " + length + ", " + features + "] (window.length x input.features)"
                + (shape.numDimensions() == 2 ? " nor their flat form [batch, " + (long) length * features + "]" : "")
                + ": check window.length, input.features and model.input");
    }

    private static ModelCall probe(LoadedModel model, ModelRequest request, FoundTensor input, ElementType inputType,
                                   long[] windowShape, Map<String, FoundTensor> outputs, List<FoundState> states) {
        long[] probeShape = new long[windowShape.length + 1];
        probeShape[0] = PROBE_WINDOWS;
        System.arraycopy(windowShape, 0, probeShape, 1, windowShape.length);
        List<String> fetches = java.util.stream.Stream.concat(outputs.values().stream(),
                states.stream().map(FoundState::output)).map(FoundTensor::name).distinct().toList();
        Session.Runner runner = model.session().runner();
        List<ModelCall.FetchedOutput> fetched = new ArrayList<>();
        List<ModelCall.CarriedState> carried = new ArrayList<>();
        List<Tensor> fed = new ArrayList<>();
        try {
            fed.add(zeros(inputType, probeShape));
            runner.feed(input.name(), fed.get(0));
            for (FoundState state : states) {
                Tensor zeroState = zeros(state.type(), new long[] {PROBE_WINDOWS, state.size()});
                fed.add(zeroState);
                runner.feed(state.input().name(), zeroState);
            }
            fetches.forEach(runner::fetch);
            try (Result result = runner.run()) {
                for (Map.Entry<String, FoundTensor> entry : outputs.entrySet()) {
                    FoundTensor output = entry.getValue();
                    Tensor tensor = result.get(fetches.indexOf(output.name()));
                    fetched.add(fetchedOutput(model, entry.getKey(), request.outputs().get(entry.getKey()),
                            output, tensor));
                }
                for (FoundState state : states) {
                    Shape after = result.get(fetches.indexOf(state.output().name())).shape();
                    if (!after.equals(Shape.of(PROBE_WINDOWS, state.size()))) {
                        throw new ModelException("model " + model.source().path() + ": state output "
                                + state.output().description() + " gave shape " + after + " where its input "
                                + state.input().description() + " takes [" + PROBE_WINDOWS + ", " + state.size()
                                + "]: pair each of model.state-inputs with the output that continues it");
                    }
                    carried.add(new ModelCall.CarriedState(state.input().name(), state.output().name(), state.type(),
                            state.size()));
                }
            }
        } catch (TensorFlowException | IllegalArgumentException e) {
            // TensorFlow reports some failures as IllegalArgumentException (TFInvalidArgumentException).
            throw new ModelException("model " + model.source().path() + " failed on a probe batch of "
                    + Arrays.toString(probeShape) + " fed to " + input.description() + ": "
                    + e.getMessage().lines().findFirst().orElse(""), e);
        } finally {
            fed.forEach(Tensor::close);
        }
        return new ModelCall(input.name(), inputType, windowShape, fetched, carried, request.extensions());
    }

    private static Tensor zeros(ElementType type, long[] shape) {
        return type == ElementType.FLOAT32 ? TFloat32.tensorOf(Shape.of(shape)) : TFloat64.tensorOf(Shape.of(shape));
    }

    private static ModelCall.FetchedOutput fetchedOutput(LoadedModel model, String column, TensorRef ref,
                                                         FoundTensor output, Tensor tensor) {
        String where = "model " + model.source().path() + ": " + output.description() + " (outputs." + column + ")";
        Shape shape = tensor.shape();
        if (shape.numDimensions() == 0 || shape.size(0) != PROBE_WINDOWS) {
            throw new ModelException(where + " gave shape " + shape + " for a batch of " + PROBE_WINDOWS
                    + " windows: its first dimension is not the batch, so it has no value per window");
        }
        ElementType type = ElementType.of(tensor.dataType()).orElseThrow(() -> new ModelException(
                where + " is " + tensor.dataType() + "; lstm-spark writes float32 or float64 outputs"));
        long[] windowShape = Arrays.copyOfRange(shape.asArray(), 1, shape.numDimensions());
        return new ModelCall.FetchedOutput(column, ref.toString(), output.name(), type, windowShape);
    }
}
