package io.lstmspark.model.keras;

import com.fasterxml.jackson.databind.JsonNode;
import io.lstmspark.model.LoadedModel;
import io.lstmspark.model.ModelException;
import io.lstmspark.model.TensorRef;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.tensorflow.Signature;
import org.tensorflow.proto.MetaGraphDef;

/**
 * The Keras LSTM layers of a SavedModel, found in the model's own files, with where every fact came
 * from: Keras 2 saves record each layer's configuration (keras_metadata.pb, or the object graph for
 * TF 2.1–2.3); Keras 3 exports record none, so layers are inferred from their weights (kernel [F,4H],
 * recurrent_kernel [H,4H], bias [4H]) in the order the signature's function uses them, and
 * activations are read from the function bodies. Weights are the VarHandleOps the loader restored.
 */
public final class KerasLstmLayers {

    static final Set<String> IDENTITY_AT_INFERENCE = Set.of("Dropout", "SpatialDropout1D", "GaussianDropout",
            "GaussianNoise", "AlphaDropout");
    private static final Set<String> OTHER_RECURRENT = Set.of("GRU", "SimpleRNN", "RNN", "Bidirectional",
            "CuDNNLSTM", "CuDNNGRU", "ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D", "TimeDistributed");

    private final String modelPath;
    private final String configSource;
    private final List<LstmLayer> layers;
    private final List<OtherRecurrentLayer> otherRecurrent;
    private final Map<String, String> otherLayers;
    private final List<HeadLayer> head;
    private final Optional<String> headProblem;

    private KerasLstmLayers(String modelPath, String configSource, List<LstmLayer> layers,
                            List<OtherRecurrentLayer> otherRecurrent, Map<String, String> otherLayers,
                            List<HeadLayer> head, Optional<String> headProblem) {
        this.modelPath = modelPath;
        this.configSource = configSource;
        this.layers = List.copyOf(layers);
        this.otherRecurrent = List.copyOf(otherRecurrent);
        this.otherLayers = Map.copyOf(otherLayers);
        this.head = List.copyOf(head);
        this.headProblem = headProblem;
    }

    /** The LSTM layers of the model, using the {@code serving_default} signature (or the first) for Keras 3 exports. */
    public static KerasLstmLayers discover(LoadedModel model) {
        String signature = model.signatures().containsKey("serving_default") ? "serving_default"
                : model.signatures().keySet().stream().findFirst().orElse("serving_default");
        return discover(model, signature);
    }

    /** The LSTM layers of the model; {@code signature} is the one whose function is read when no config is saved. */
    public static KerasLstmLayers discover(LoadedModel model, String signature) {
        String path = model.source().path();
        MetaGraphDef meta = model.metaGraph().orElseThrow(() -> new ModelException("model " + path
                + " is a frozen GraphDef: LSTM state taps need a SavedModel, whose variables hold the layers' weights"));
        ModelVariables variables = ModelVariables.read(meta);
        if (variables.isEmpty()) {
            throw new ModelException("model " + path + " has no variables restored through a TF2 object graph "
                    + "(a model without weights, or a TF1 graph), so it has no Keras LSTM layer whose weights a state "
                    + "tap could read: it has no LSTM layers to tap. Tap a Keras SavedModel (model.save or "
                    + "model.export), or name a graph tensor op:N");
        }
        KerasMetadata keras = KerasMetadata.read(model.source().localPath(), meta.getObjectGraphDef());
        if (keras.model().isPresent() && keras.model().get().config().has("layers")) {
            return new ConfigReader(path, keras, variables).read();
        }
        Signature sig = model.signatures().get(signature);
        if (sig == null || sig.getOutputs().isEmpty()) {
            throw new ModelException("model " + path + " records no Keras layer configuration and has no signature '"
                    + signature + "' whose function would show its layers; its signatures are "
                    + model.signatures().keySet() + ": set model.signature");
        }
        String output = sig.getOutputs().values().iterator().next().name;
        return new WeightShapeReader(path, variables, FunctionGraph.trace(meta, output)).read();
    }

    public List<LstmLayer> layers() {
        return layers;
    }

    public List<OtherRecurrentLayer> otherRecurrentLayers() {
        return otherRecurrent;
    }

    /** Where layer configurations came from: a Keras metadata source, or inference from weights. */
    public String configSource() {
        return configSource;
    }

    /** The layers between the last LSTM and the output, when the self-check can reproduce them. */
    public Optional<List<HeadLayer>> head() {
        return headProblem.isPresent() ? Optional.empty() : Optional.of(head);
    }

    /** Why the layers after the last LSTM cannot be reproduced, if they cannot. */
    public Optional<String> headProblem() {
        return headProblem;
    }

    /** The layer a state reference names, or a refusal that lists the LSTM layers the model has. */
    public LstmLayer find(TensorRef.LstmState ref) {
        if (ref.position().isPresent()) {
            int position = ref.position().getAsInt();
            if (position < layers.size()) {
                return layers.get(position);
            }
            throw refusal(ref, "it has " + layers.size() + " LSTM layer" + (layers.size() == 1 ? "" : "s")
                    + ", so lstm:" + position + " does not exist");
        }
        for (LstmLayer layer : layers) {
            if (layer.name().equals(ref.layer())) {
                return layer;
            }
        }
        for (OtherRecurrentLayer other : otherRecurrent) {
            if (other.name().equals(ref.layer())) {
                throw refusal(ref, "layer '" + other.name() + "' is a " + other.kind()
                        + ", not an LSTM: state taps reproduce plain Keras LSTM layers only");
            }
        }
        if (otherLayers.containsKey(ref.layer())) {
            throw refusal(ref, "layer '" + ref.layer() + "' is a " + otherLayers.get(ref.layer()) + ", not an LSTM");
        }
        throw refusal(ref, "it has no layer named '" + ref.layer() + "'");
    }

    private ModelException refusal(TensorRef.LstmState ref, String why) {
        String existing = layers.isEmpty()
                ? "it has no LSTM layers (layers read from " + configSource + ")"
                + (otherRecurrent.isEmpty() ? "" : "; its recurrent layers are " + otherRecurrent.stream()
                .map(o -> o.name() + " (" + o.kind() + ")").collect(Collectors.joining(", ")))
                : "its LSTM layers are " + layers.stream().map(LstmLayer::label).collect(Collectors.joining(", "));
        return new ModelException("model " + modelPath + ": cannot tap " + ref + ": " + why + "; " + existing);
    }

    /** Keras 2: the model's layer list from its saved config, weights from the object graph. */
    private static final class ConfigReader {
        private final String path;
        private final KerasMetadata keras;
        private final ModelVariables variables;
        private final List<LstmLayer> lstms = new ArrayList<>();
        private final List<OtherRecurrentLayer> others = new ArrayList<>();
        private final Map<String, String> otherLayers = new LinkedHashMap<>();
        private final List<HeadLayer> head = new ArrayList<>();
        private Optional<String> headProblem = Optional.of("the model has no LSTM layer");
        private Optional<String> inputBlocker = Optional.empty();

        ConfigReader(String path, KerasMetadata keras, ModelVariables variables) {
            this.path = path;
            this.keras = keras;
            this.variables = variables;
        }

        KerasLstmLayers read() {
            JsonNode entries = keras.model().orElseThrow().config().path("layers");
            String previous = null;
            for (JsonNode entry : entries) {
                String className = entry.path("class_name").asText("");
                JsonNode config = entry.path("config");
                String name = entry.has("name") ? entry.path("name").asText() : config.path("name").asText("");
                if (previous != null && entry.has("inbound_nodes") && !takesOnly(entry.path("inbound_nodes"), previous)) {
                    block(name, "does not take its input from '" + previous + "' alone: the model is not a single "
                            + "chain of layers");
                }
                previous = name;
                if (className.equals("InputLayer")) {
                    continue;
                }
                if (className.equals("LSTM")) {
                    lstms.add(lstm(name, config));
                    head.clear();
                    headProblem = config.path("return_sequences").asBoolean(false)
                            ? Optional.of("the last LSTM '" + name + "' returns sequences") : Optional.empty();
                } else if (IDENTITY_AT_INFERENCE.contains(className)) {
                    head.add(HeadLayer.identity(name, className + ": the identity at inference"));
                    otherLayers.put(name, className + " layer");
                } else if (className.equals("Dense") || className.equals("Activation")) {
                    otherLayers.put(name, className + " layer");
                    headLayer(name, className, config);
                    blockInput(name, className);
                } else {
                    String kind = className.equals("Bidirectional")
                            ? "Bidirectional(" + config.path("layer").path("class_name").asText("?") + ")" : className;
                    if (OTHER_RECURRENT.contains(className)) {
                        others.add(new OtherRecurrentLayer(name, kind));
                    } else {
                        otherLayers.put(name, className + " layer");
                    }
                    block(name, "(" + kind + ") is not a layer the state taps reproduce");
                }
            }
            return new KerasLstmLayers(path, keras.source(), lstms, others, otherLayers, head, headProblem);
        }

        private static boolean takesOnly(JsonNode inboundNodes, String previous) {
            return inboundNodes.size() == 1 && inboundNodes.get(0).size() == 1
                    && inboundNodes.get(0).get(0).path(0).asText().equals(previous);
        }

        private void block(String name, String why) {
            blockInput(name, why);
            if (headProblem.isEmpty()) {
                headProblem = Optional.of("layer '" + name + "' " + why);
            }
        }

        private void blockInput(String name, String what) {
            if (inputBlocker.isEmpty()) {
                inputBlocker = Optional.of("layer '" + name + "' " + (what.contains(" ") ? what : "(" + what + ")")
                        + " comes before it, and a state tap's input must be the model input or an LSTM's "
                        + "sequence (through Dropout)");
            }
        }

        private LstmLayer lstm(String name, JsonNode config) {
            int node = keras.layer(name, variables.objects()).map(KerasMetadata.KerasObject::node).orElse(-1);
            int cell = node < 0 ? -1 : ModelVariables.child(variables.objects(), node, "cell").orElse(node);
            Optional<LayerVariable> kernel = weight(cell, "kernel");
            Optional<LayerVariable> recurrent = weight(cell, "recurrent_kernel");
            Optional<LayerVariable> bias = weight(cell, "bias");
            if (kernel.isEmpty() || recurrent.isEmpty()) {
                throw new ModelException("model " + path + ": LSTM layer '" + name + "' has no kernel and recurrent "
                        + "kernel variables in the object graph; the SavedModel is incomplete");
            }
            List<String> problems = new ArrayList<>();
            inputBlocker.ifPresent(problems::add);
            Optional<Activation> activation = activation(config, "activation", problems);
            Optional<Activation> recurrentActivation = activation(config, "recurrent_activation", problems);
            if (config.path("go_backwards").asBoolean(false)) {
                problems.add("it runs backwards over the sequence (go_backwards)");
            }
            if (config.path("time_major").asBoolean(false)) {
                problems.add("it takes time-major input");
            }
            String where = keras.source() + ", layer '" + name + "'";
            Map<String, String> sources = new LinkedHashMap<>();
            sources.put("config", where);
            sources.put("activation", config.path("activation").asText() + " (" + where + ")");
            sources.put("recurrent_activation", config.path("recurrent_activation").asText() + " (" + where + ")");
            sources.put("weights", weightsSource(kernel.get(), recurrent.get(), bias));
            return new LstmLayer(name, lstms.size(), (int) kernel.get().dim(0), (int) recurrent.get().dim(0),
                    activation, recurrentActivation,
                    config.has("unit_forget_bias") ? Optional.of(config.path("unit_forget_bias").asBoolean())
                            : Optional.empty(),
                    Optional.of(config.path("return_sequences").asBoolean(false)), kernel.get(), recurrent.get(), bias,
                    problems.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", problems)), sources);
        }

        private static Optional<Activation> activation(JsonNode config, String key, List<String> problems) {
            String recorded = config.path(key).isTextual() ? config.path(key).asText() : config.path(key).toString();
            Optional<Activation> activation = Activation.ofKeras(recorded);
            if (activation.isEmpty()) {
                problems.add("its " + key + " '" + recorded + "' is not one state taps compute "
                        + List.of(Activation.values()));
            }
            return activation;
        }

        private void headLayer(String name, String className, JsonNode config) {
            String where = keras.source() + ", layer '" + name + "'";
            Optional<Activation> activation = Activation.ofKeras(config.path("activation").asText("linear"));
            if (activation.isEmpty()) {
                block(name, "has activation '" + config.path("activation").asText() + "', which the check does not "
                        + "reproduce");
                return;
            }
            if (className.equals("Activation")) {
                head.add(new HeadLayer(name, HeadLayer.Kind.ACTIVATION, Optional.empty(), Optional.empty(),
                        activation.get(), where));
                return;
            }
            int node = keras.layer(name, variables.objects()).map(KerasMetadata.KerasObject::node).orElse(-1);
            Optional<LayerVariable> kernel = weight(node, "kernel");
            if (kernel.isEmpty()) {
                block(name, "has no kernel variable in the object graph");
                return;
            }
            head.add(new HeadLayer(name, HeadLayer.Kind.DENSE, kernel, weight(node, "bias"), activation.get(), where));
        }

        private Optional<LayerVariable> weight(int node, String localName) {
            if (node < 0) {
                return Optional.empty();
            }
            return ModelVariables.child(variables.objects(), node, localName).flatMap(variables::atNode);
        }
    }

    /** Keras 3 (no saved config): layers inferred from the weights the signature's function uses. */
    private static final class WeightShapeReader {
        private final String path;
        private final ModelVariables variables;
        private final FunctionGraph functions;

        WeightShapeReader(String path, ModelVariables variables, FunctionGraph functions) {
            this.path = path;
            this.variables = variables;
            this.functions = functions;
        }

        KerasLstmLayers read() {
            Map<String, Map<String, LayerVariable>> groups = new LinkedHashMap<>();
            for (String handle : functions.capturedVariables()) {
                variables.heldBy(handle).ifPresent(v -> groups.computeIfAbsent(prefix(v.name()), p -> new LinkedHashMap<>())
                        .putIfAbsent(v.name().substring(v.name().lastIndexOf('/') + 1), v));
            }
            List<LstmLayer> lstms = new ArrayList<>();
            List<OtherRecurrentLayer> others = new ArrayList<>();
            Map<String, String> otherLayers = new LinkedHashMap<>();
            List<HeadLayer> head = new ArrayList<>();
            Optional<String> headProblem = Optional.of("the model has no LSTM layer");
            Optional<String> inputBlocker = Optional.empty();
            for (Map.Entry<String, Map<String, LayerVariable>> group : groups.entrySet()) {
                String layerName = layerName(group.getKey());
                LayerVariable kernel = group.getValue().get("kernel");
                LayerVariable recurrent = group.getValue().get("recurrent_kernel");
                Optional<LayerVariable> bias = Optional.ofNullable(group.getValue().get("bias"));
                if (kernel != null && kernel.rank() == 2 && recurrent != null) {
                    String kind = recurrentKind(kernel, recurrent, group.getKey());
                    if (kind.equals("LSTM")) {
                        lstms.add(lstm(layerName, lstms.size(), kernel, recurrent, bias, inputBlocker));
                        head.clear();
                        headProblem = Optional.empty();
                    } else {
                        others.add(new OtherRecurrentLayer(layerName, kind));
                        inputBlocker = inputBlocker.or(() -> Optional.of("layer '" + layerName + "' (" + kind
                                + ") comes before it"));
                        headProblem = headProblem.or(() -> Optional.of("layer '" + layerName + "' (" + kind
                                + ") follows the last LSTM"));
                    }
                } else if (kernel != null && kernel.rank() == 2) {
                    otherLayers.put(layerName, "Dense layer (inferred from its weights)");
                    Optional<Activation> activation = functions.denseActivation(kernel.handleOp());
                    if (activation.isPresent()) {
                        head.add(new HeadLayer(layerName, HeadLayer.Kind.DENSE, Optional.of(kernel), bias,
                                activation.get(), "weights " + kernel + bias.map(b -> ", " + b).orElse("")
                                + "; activation from the function body"));
                    } else {
                        headProblem = headProblem.or(() -> Optional.of("the activation of Dense layer '" + layerName
                                + "' is not readable from the function body"));
                    }
                    inputBlocker = inputBlocker.or(() -> Optional.of("layer '" + layerName + "' (Dense) comes before it"));
                } else {
                    String weights = group.getValue().values().toString();
                    headProblem = headProblem.or(() -> Optional.of("variables " + weights + " belong to a layer the "
                            + "check does not reproduce"));
                    inputBlocker = inputBlocker.or(() -> Optional.of("variables " + weights + " belong to a layer "
                            + "that comes before it"));
                }
            }
            return new KerasLstmLayers(path, "no saved layer configuration (Keras 3 export): layers inferred from "
                    + "weight shapes, activations from function bodies", lstms, others, otherLayers, head, headProblem);
        }

        private LstmLayer lstm(String name, int position, LayerVariable kernel, LayerVariable recurrent,
                               Optional<LayerVariable> bias, Optional<String> inputBlocker) {
            Optional<FunctionGraph.GateActivations> gates = functions.gateActivations(kernel.handleOp());
            Map<String, String> sources = new LinkedHashMap<>();
            sources.put("config", "none saved (Keras 3 export): an LSTM because kernel " + kernel.shape()
                    + " and recurrent kernel " + recurrent.shape() + " are [F, 4H] and [H, 4H]");
            String activationSource = gates.map(FunctionGraph.GateActivations::source)
                    .orElse("not readable from the function bodies: settled by self-validation");
            sources.put("activation", gates.map(g -> g.activation().kerasName()).orElse("?") + " (" + activationSource + ")");
            sources.put("recurrent_activation", gates.map(g -> g.recurrentActivation().kerasName()).orElse("?")
                    + " (" + activationSource + ")");
            sources.put("weights", weightsSource(kernel, recurrent, bias));
            return new LstmLayer(name, position, (int) kernel.dim(0), (int) recurrent.dim(0),
                    gates.map(FunctionGraph.GateActivations::activation),
                    gates.map(FunctionGraph.GateActivations::recurrentActivation), Optional.empty(), Optional.empty(),
                    kernel, recurrent, bias,
                    inputBlocker.map(b -> b + ", and a state tap's input must be the model input or an LSTM's sequence"),
                    sources);
        }

        /** LSTM: [F,4H] and [H,4H]; GRU: [F,3H]; SimpleRNN: [F,H]; a Bidirectional wrapper names its halves. */
        private static String recurrentKind(LayerVariable kernel, LayerVariable recurrent, String prefix) {
            long units = recurrent.dim(0);
            String gates = kernel.dim(1) == 4 * units ? "LSTM" : kernel.dim(1) == 3 * units ? "GRU"
                    : kernel.dim(1) == units ? "SimpleRNN" : "recurrent layer";
            boolean bidirectional = java.util.Arrays.stream(prefix.split("/"))
                    .anyMatch(s -> s.startsWith("forward_") || s.startsWith("backward_"));
            String inferred = " (inferred from weight shapes " + kernel.shape() + ", " + recurrent.shape() + ")";
            return bidirectional ? "Bidirectional(" + gates + ")" + inferred
                    : gates.equals("LSTM") ? gates : gates + inferred;
        }

        private static String prefix(String variableName) {
            int slash = variableName.lastIndexOf('/');
            return slash < 0 ? "" : variableName.substring(0, slash);
        }

        /** sequential/lstm/lstm_cell → lstm; sequential/dense → dense. */
        private static String layerName(String prefix) {
            List<String> parts = new ArrayList<>(List.of(prefix.split("/")));
            if (parts.size() > 1 && parts.get(parts.size() - 1).endsWith("cell")) {
                parts.remove(parts.size() - 1);
            }
            return parts.get(parts.size() - 1);
        }
    }

    private static String weightsSource(LayerVariable kernel, LayerVariable recurrent, Optional<LayerVariable> bias) {
        return "variables " + kernel.name() + ", " + recurrent.name() + bias.map(b -> ", " + b.name()).orElse("")
                + " (checkpoint keys " + kernel.checkpointKey() + ", " + recurrent.checkpointKey()
                + bias.map(b -> ", " + b.checkpointKey()).orElse("") + ")";
    }
}
