package io.lstmspark.model.keras;

import com.fasterxml.jackson.databind.JsonNode;
import io.lstmspark.model.ModelException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Keras 2: the model's layer list from its saved config, weights from the object graph. */
final class KerasConfigReader {
    private final String path;
    private final KerasMetadata keras;
    private final ModelVariables variables;
    private final List<LstmLayer> lstms = new ArrayList<>();
    private final List<OtherRecurrentLayer> others = new ArrayList<>();
    private final Map<String, String> otherLayers = new LinkedHashMap<>();
    private final List<HeadLayer> head = new ArrayList<>();
    private Optional<String> headProblem = Optional.of("the model has no LSTM layer");
    private Optional<String> inputBlocker = Optional.empty();

    KerasConfigReader(String path, KerasMetadata keras, ModelVariables variables) {
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
            } else if (KerasLstmLayers.IDENTITY_AT_INFERENCE.contains(className)) {
                head.add(HeadLayer.identity(name, className + ": the identity at inference"));
                otherLayers.put(name, className + " layer");
            } else if (className.equals("Dense") || className.equals("Activation")) {
                otherLayers.put(name, className + " layer");
                headLayer(name, className, config);
                blockInput(name, className);
            } else {
                String kind = className.equals("Bidirectional")
                        ? "Bidirectional(" + config.path("layer").path("class_name").asText("?") + ")" : className;
                if (KerasLstmLayers.OTHER_RECURRENT.contains(className)) {
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
        sources.put("weights", KerasLstmLayers.weightsSource(kernel.get(), recurrent.get(), bias));
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
