package io.lstmspark.model.kerasfile;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TFloating;

/**
 * Builds a Keras file's model as TensorFlow ops: walks its layers in config order, each layer's inputs
 * being earlier layers' outputs, with the file's weights as constants, recurrent layers unrolled over
 * the declared steps (as the LSTM state taps are). Every config/weights mismatch is refused naming the
 * layer, what its config implies and what the file has. The layers themselves are built by
 * {@link RecurrentLayers}, {@link ConvolutionLayers}, {@link DenseLayers} and {@link ShapeLayers}.
 */
public final class KerasGraphBuilder<T extends TFloating> extends LayerOps<T> {

    static final String SCOPE = "keras";

    private final Ops root;
    private final long[] inputShape;
    private final Operand<T> input;
    private final RecurrentLayers<T> recurrent;
    private final ConvolutionLayers<T> convolution;
    private final DenseLayers<T> dense;
    private final ShapeLayers<T> shapes;
    private final Map<KerasLayer.TensorId, KerasValue> tensors = new HashMap<>();
    /** Layers that mix steps (or run backwards), which state carried from a previous chunk would not reproduce. */
    private final Map<String, String> notStepwise = new LinkedHashMap<>();
    private final List<KerasGraph.BuiltLayer> built = new ArrayList<>();

    private KerasGraphBuilder(KerasFile file, Graph graph, Class<T> type, long[] inputShape, Set<String> usedWeights) {
        super(file, type, usedWeights);
        this.root = Ops.create(graph).withSubScope(SCOPE);
        this.inputShape = inputShape;
        this.input = root.withName("input").placeholder(type,
                Placeholder.shape(Shape.of(-1, inputShape[0], inputShape[1])));
        Operand<TInt32> batch = root.withName("batch_size").slice(root.shape(input), root.constant(new int[] {0}),
                root.constant(new int[] {1}));
        this.recurrent = new RecurrentLayers<>(file, type, usedWeights, batch);
        this.convolution = new ConvolutionLayers<>(file, type, usedWeights);
        this.dense = new DenseLayers<>(file, type, usedWeights);
        this.shapes = new ShapeLayers<>(file, type, usedWeights);
    }

    /** Builds the file's model in {@code graph}, which must not hold another Keras file's model. */
    /** @param openSteps steps per window for an input that leaves them open (window.length); 0: none given */
    public static KerasGraph build(KerasFile file, Graph graph, int openSteps) {
        long[] inputShape = checkLayersAndInput(file, openSteps);
        return float64(file)
                ? new KerasGraphBuilder<>(file, graph, TFloat64.class, inputShape, new HashSet<>()).build()
                : new KerasGraphBuilder<>(file, graph, TFloat32.class, inputShape, new HashSet<>()).build();
    }

    /** float64 when every weight of the file is (Keras' floatx float64); float32 otherwise. */
    static boolean float64(KerasFile file) {
        List<KerasWeight> all = file.weights().values().stream().flatMap(List::stream).toList();
        return !all.isEmpty() && all.stream().allMatch(KerasWeight::float64);
    }

    /** The input's shape; refuses a layer class it does not build, several inputs, or an input without steps. */
    private static long[] checkLayersAndInput(KerasFile file, int openSteps) {
        KerasModelConfig config = file.config();
        String where = "Keras file " + file.path();
        for (KerasLayer layer : config.layers()) {
            String kind = LayerKinds.of(layer.className());
            if (!LayerKinds.SUPPORTED.contains(kind)) {
                throw new KerasFileException(where + ": layer " + layer.label() + " is a " + layer.className()
                        + ", which lstm-spark does not build from a Keras file; it builds " + LayerKinds.SUPPORTED
                        + ". Save the model with model.export(dir) (Keras 3) or model.save(dir) (Keras 2) and point "
                        + "model.path at that SavedModel directory");
            }
        }
        if (config.inputs().size() != 1) {
            throw new KerasFileException(where + ": the model has " + config.inputs().size() + " inputs "
                    + config.inputs() + "; lstm-spark feeds one tensor of windows [batch, steps, features]");
        }
        long[] inputShape = config.inputShape().get(0);
        if (inputShape.length != 2 || inputShape[1] <= 0) {
            throw new KerasFileException(where + ": the model input " + config.inputs().get(0) + " has shape "
                    + shapeText(inputShape) + "; lstm-spark feeds [batch, steps, features] windows and needs the "
                    + "number of features declared");
        }
        if (inputShape[0] <= 0) {
            if (openSteps > 0) {
                return new long[] {openSteps, inputShape[1]};
            }
            throw new KerasFileException(where + ": the model input " + config.inputs().get(0) + " declares no number "
                    + "of steps (shape " + shapeText(inputShape) + "); lstm-spark unrolls recurrent layers over a "
                    + "fixed number of steps: set window.length to the steps per window");
        }
        return inputShape;
    }

    private KerasGraph build() {
        KerasModelConfig config = file.config();
        String where = "Keras file " + file.path();
        String inputKey = config.inputs().get(0).layer();
        tensors.put(new KerasLayer.TensorId(inputKey, 0, 0), new KerasValue(input, inputShape));
        built.add(new KerasGraph.BuiltLayer(inputKey, "InputLayer", List.of(inputShape), ""));

        for (int index = 0; index < config.layers().size(); index++) {
            KerasLayer layer = config.layers().get(index);
            if (layer.className().equals("InputLayer")) {
                continue;
            }
            List<KerasValue> in = new ArrayList<>();
            for (KerasLayer.TensorId id : layer.inbound()) {
                KerasValue value = tensors.get(id);
                if (value == null) {
                    throw new KerasFileException(where + ": layer " + layer.label() + " takes " + id
                            + ", which no layer before it produces");
                }
                in.add(value);
            }
            List<KerasValue> out = layer(root.withSubScope("layer_" + index), layer, in);
            for (int t = 0; t < out.size(); t++) {
                tensors.put(new KerasLayer.TensorId(layer.name(), 0, t), out.get(t));
            }
            built.add(new KerasGraph.BuiltLayer(layer.name(), layer.className(),
                    out.stream().map(KerasValue::shape).toList(), LayerSettings.of(layer)));
        }
        checkAllWeightsUsed(where);

        Map<String, String> outputs = new LinkedHashMap<>();
        for (int i = 0; i < config.outputs().size(); i++) {
            KerasLayer.TensorId id = config.outputs().get(i);
            KerasValue value = tensors.get(id);
            if (value == null) {
                throw new KerasFileException(where + ": model output " + id + " is not a layer output");
            }
            String name = name(root.withName("output_" + i).identity(cast(value)));
            outputs.put("output_" + i, name);
        }
        for (int i = 0; i < config.outputs().size(); i++) {
            outputs.putIfAbsent(config.outputs().get(i).layer(), outputs.get("output_" + i));
        }
        return new KerasGraph(inputKey, name(input), new long[] {-1, inputShape[0], inputShape[1]},
                type == TFloat64.class, outputs, recurrent.lstmLayers(), recurrent.carried(), streamProblem(),
                built);
    }

    /** Stream mode carries recurrent states exactly only if no layer before the last recurrent one mixes steps. */
    private Optional<String> streamProblem() {
        if (recurrent.carried().isEmpty()) {
            return Optional.of("the model has no LSTM, GRU or SimpleRNN layer whose state could be carried");
        }
        return notStepwise.isEmpty() ? Optional.empty() : Optional.of("layers " + notStepwise.entrySet().stream()
                .map(e -> e.getKey() + " (" + e.getValue() + ")").collect(Collectors.joining(", "))
                + " see a window as a whole (several steps at once, or a last state), so a chunk's output would depend"
                + " on where the chunk starts");
    }

    private void checkAllWeightsUsed(String where) {
        for (Map.Entry<String, List<KerasWeight>> entry : file.weights().entrySet()) {
            if (!entry.getValue().isEmpty() && !usedWeights.contains(entry.getKey())) {
                throw new KerasFileException(where + ": the weights hold layer '" + entry.getKey() + "' ("
                        + entry.getValue().stream().map(w -> w.name() + " " + w.shapeText()).toList()
                        + "), which the model config does not have: the config and weights do not belong together");
            }
        }
    }

    /** Builds one layer on its input tensors; its output tensors (more than one with return_state). */
    private List<KerasValue> layer(Ops tf, KerasLayer layer, List<KerasValue> in) {
        String kind = LayerKinds.of(layer.className());
        if (in.isEmpty() || !LayerKinds.MERGES.contains(kind) && in.size() != 1) {
            throw new KerasFileException("Keras file " + file.path() + ": layer " + layer.label() + " takes "
                    + in.size() + " tensors; a " + kind + " takes one");
        }
        KerasValue x = in.get(0);
        boolean mixesSteps = !LayerKinds.STEPWISE.contains(kind) || x.rank() != 2
                || (LayerKinds.isRecurrent(kind) && layer.boolConfig("go_backwards", false));
        if (mixesSteps && feedsRecurrent(layer)) {
            notStepwise.put(layer.name(), kind);
        }
        List<KerasWeight> weights = weights(layer);
        return switch (kind) {
            case "LSTM", "GRU", "SimpleRNN" -> recurrent.recurrent(tf, layer, kind, x, weights, true);
            case "Bidirectional" -> recurrent.bidirectional(tf, layer, x, weights);
            case "Dense" -> List.of(dense.dense(tf, layer, x, weights));
            case "TimeDistributed" -> List.of(dense.timeDistributed(tf, layer, x, weights));
            case "Activation" -> List.of(dense.activationLayer(tf, layer, x, weights));
            case "BatchNormalization" -> List.of(dense.batchNormalization(tf, layer, x, weights));
            case "RepeatVector" -> List.of(shapes.repeatVector(tf, layer, x, weights));
            case "Flatten" -> List.of(shapes.flatten(tf, layer, x, weights));
            case "Reshape" -> List.of(shapes.reshape(tf, layer, x, weights));
            case "Concatenate" -> List.of(shapes.concatenate(tf, layer, in, weights));
            case "Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum" ->
                    List.of(shapes.merge(tf, layer, kind, in, weights));
            case "Conv1D" -> List.of(convolution.conv1d(tf, layer, x, weights));
            case "MaxPooling1D", "AveragePooling1D" -> List.of(convolution.pool1d(tf, layer, kind, x, weights));
            case "GlobalAveragePooling1D", "GlobalMaxPooling1D" ->
                    List.of(convolution.globalPool1d(tf, layer, kind, x, weights));
            default -> {
                if (!LayerKinds.IDENTITY.contains(kind)) {
                    throw new IllegalStateException("layer class " + kind + " is listed as supported but not built");
                }
                noWeights(layer, weights);
                yield List.of(x);
            }
        };
    }

    /** Whether {@code layer} is recurrent or feeds one, through any path of the model's layer graph. */
    private boolean feedsRecurrent(KerasLayer layer) {
        Deque<KerasLayer> pending = new ArrayDeque<>(List.of(layer));
        Set<String> seen = new HashSet<>();
        while (!pending.isEmpty()) {
            KerasLayer next = pending.pop();
            if (!seen.add(next.name())) {
                continue;
            }
            if (LayerKinds.isRecurrent(LayerKinds.of(next.className()))) {
                return true;
            }
            file.config().layers().stream()
                    .filter(l -> l.inbound().stream().anyMatch(id -> id.layer().equals(next.name())))
                    .forEach(pending::push);
        }
        return false;
    }
}
