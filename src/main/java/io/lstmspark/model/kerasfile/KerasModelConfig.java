package io.lstmspark.model.kerasfile;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The layer graph of a Keras model config (the JSON Keras 2 stores in {@code model_config} and Keras 3
 * in config.json): Sequential models as a chain, functional models as their layers' inbound tensors.
 * Reads the keys of Keras 2.0-2.15 and Keras 3 alike, ignoring the ones it does not need (so Keras 2's
 * {@code time_major}, which Keras 3 refuses, does not matter here).
 *
 * @param modelClass Sequential, Functional or Model
 * @param layers     every layer, in the config's order (which is a topological order)
 * @param inputs     the model inputs, each an input layer's output
 * @param inputShape per input, its declared shape without the batch dimension (-1 where unknown)
 * @param outputs    the model outputs, in order
 */
public record KerasModelConfig(String modelClass, String modelName, List<KerasLayer> layers,
                               List<KerasLayer.TensorId> inputs, List<long[]> inputShape,
                               List<KerasLayer.TensorId> outputs) {

    /** Name of the input layer made up for a Sequential model whose config has none. */
    static final String IMPLICIT_INPUT = "input";

    public static KerasModelConfig parse(JsonNode json, String where) {
        String modelClass = json.path("class_name").asText("");
        JsonNode config = json.path("config");
        return switch (modelClass) {
            case "Sequential" -> sequential(config, where);
            case "Functional", "Model" -> functional(modelClass, config, where);
            default -> throw new KerasFileException(where + ": the model is a '" + modelClass + "', not a Sequential"
                    + " or functional Keras model: save it with model.export(dir) and point model.path at that");
        };
    }

    private static KerasModelConfig sequential(JsonNode config, String where) {
        // Keras 2.0-2.2 stored a Sequential config as the bare list of layers.
        JsonNode layerList = config.isArray() ? config : config.path("layers");
        String name = config.isArray() ? "sequential" : config.path("name").asText("sequential");
        List<KerasLayer> layers = new ArrayList<>();
        String previous = null;
        long[] shape = null;
        for (JsonNode node : layerList) {
            String className = node.path("class_name").asText();
            JsonNode layerConfig = node.path("config");
            String layerName = layerConfig.path("name").asText(className.toLowerCase(java.util.Locale.ROOT)
                    + "_" + layers.size());
            if (className.equals("InputLayer")) {
                if (previous != null) {
                    throw new KerasFileException(where + ": Sequential model " + name + " has an InputLayer after "
                            + "its first layer");
                }
                shape = declaredShape(layerConfig);
                layers.add(new KerasLayer(layerName, className, layerConfig, List.of()));
                previous = layerName;
                continue;
            }
            if (previous == null) {
                // No InputLayer: the first layer declares the input (batch_input_shape) itself.
                shape = declaredShape(layerConfig);
                if (shape == null) {
                    throw new KerasFileException(where + ": Sequential model " + name + " declares no input shape "
                            + "(no InputLayer, no batch_input_shape on its first layer " + layerName + ")");
                }
                layers.add(new KerasLayer(IMPLICIT_INPUT, "InputLayer", layerConfig, List.of()));
                previous = IMPLICIT_INPUT;
            }
            layers.add(new KerasLayer(layerName, className, layerConfig,
                    List.of(new KerasLayer.TensorId(previous, 0, 0))));
            previous = layerName;
        }
        if (previous == null) {
            throw new KerasFileException(where + ": Sequential model " + name + " has no layers");
        }
        if (shape == null) {
            shape = declaredShape(config.path("build_input_shape"));
        }
        if (shape == null) {
            throw new KerasFileException(where + ": Sequential model " + name + " declares no input shape");
        }
        checkUniqueNames(layers, where);
        return new KerasModelConfig("Sequential", name, layers, List.of(new KerasLayer.TensorId(layers.get(0).name(),
                0, 0)), List.of(shape), List.of(new KerasLayer.TensorId(previous, 0, 0)));
    }

    private static KerasModelConfig functional(String modelClass, JsonNode config, String where) {
        String name = config.path("name").asText("model");
        List<KerasLayer> layers = new ArrayList<>();
        for (JsonNode node : config.path("layers")) {
            String className = node.path("class_name").asText();
            JsonNode layerConfig = node.path("config");
            String layerName = node.path("name").asText(layerConfig.path("name").asText());
            JsonNode calls = node.path("inbound_nodes");
            if (calls.size() > 1) {
                throw new KerasFileException(where + ": layer '" + layerName + "' (" + className + ") is called "
                        + calls.size() + " times in model " + name + "; lstm-spark builds layers called once: save "
                        + "the model with model.export(dir) and point model.path at that");
            }
            List<KerasLayer.TensorId> inbound = new ArrayList<>();
            if (calls.size() == 1) {
                collectTensors(calls.get(0), inbound, layerName, where);
            }
            layers.add(new KerasLayer(layerName, className, layerConfig, inbound));
        }
        checkUniqueNames(layers, where);
        List<KerasLayer.TensorId> inputs = tensorList(config.path("input_layers"));
        List<long[]> shapes = new ArrayList<>();
        for (KerasLayer.TensorId input : inputs) {
            KerasLayer layer = layers.stream().filter(l -> l.name().equals(input.layer())).findFirst()
                    .orElseThrow(() -> new KerasFileException(where + ": model input " + input + " is not a layer"));
            long[] shape = declaredShape(layer.config());
            if (shape == null) {
                throw new KerasFileException(where + ": input layer " + layer.name() + " declares no shape");
            }
            shapes.add(shape);
        }
        return new KerasModelConfig(modelClass, name, layers, inputs, shapes, tensorList(config.path("output_layers")));
    }

    /**
     * The tensors one call takes: Keras 2 lists {@code [layer, node, tensor, kwargs]} entries, Keras 3
     * an {@code args} structure holding {@code __keras_tensor__} objects with a {@code keras_history}.
     */
    private static void collectTensors(JsonNode call, List<KerasLayer.TensorId> into, String layer, String where) {
        if (call.isObject() && call.has("args")) {
            collectKeras3(call.path("args"), into);
            List<KerasLayer.TensorId> keyword = new ArrayList<>();
            collectKeras3(call.path("kwargs"), keyword);
            if (!keyword.isEmpty()) {
                throw new KerasFileException(where + ": layer '" + layer + "' takes tensors " + keyword + " as keyword"
                        + " arguments (e.g. initial_state or mask), which lstm-spark does not build: save the model "
                        + "with model.export(dir) and point model.path at that");
            }
            return;
        }
        for (JsonNode entry : call) {
            if (entry.size() >= 4 && entry.get(3).isObject() && !entry.get(3).isEmpty()) {
                List<KerasLayer.TensorId> keyword = new ArrayList<>();
                collectKeras2Kwargs(entry.get(3), keyword);
                if (!keyword.isEmpty()) {
                    throw new KerasFileException(where + ": layer '" + layer + "' takes tensors " + keyword
                            + " as keyword arguments (e.g. initial_state), which lstm-spark does not build: save the"
                            + " model with model.export(dir) and point model.path at that");
                }
            }
            into.add(new KerasLayer.TensorId(entry.get(0).asText(), entry.get(1).asInt(), entry.get(2).asInt()));
        }
    }

    private static void collectKeras3(JsonNode node, List<KerasLayer.TensorId> into) {
        if (node.isObject() && "__keras_tensor__".equals(node.path("class_name").asText())) {
            JsonNode history = node.path("config").path("keras_history");
            into.add(new KerasLayer.TensorId(history.get(0).asText(), history.get(1).asInt(), history.get(2).asInt()));
        } else if (node.isContainerNode()) {
            node.forEach(child -> collectKeras3(child, into));
        }
    }

    private static void collectKeras2Kwargs(JsonNode kwargs, List<KerasLayer.TensorId> into) {
        kwargs.forEach(value -> {
            if (value.isArray() && value.size() == 3 && value.get(0).isTextual() && value.get(1).isInt()) {
                into.add(new KerasLayer.TensorId(value.get(0).asText(), value.get(1).asInt(), value.get(2).asInt()));
            } else if (value.isArray()) {
                collectKeras2Kwargs(value, into);
            }
        });
    }

    /** {@code [["in", 0, 0], ...]}, or a single {@code ["in", 0, 0]} as Keras 3 writes one input. */
    private static List<KerasLayer.TensorId> tensorList(JsonNode node) {
        List<KerasLayer.TensorId> tensors = new ArrayList<>();
        if (node.size() == 3 && node.get(0).isTextual()) {
            tensors.add(new KerasLayer.TensorId(node.get(0).asText(), node.get(1).asInt(), node.get(2).asInt()));
            return tensors;
        }
        for (JsonNode entry : node) {
            tensors.add(new KerasLayer.TensorId(entry.get(0).asText(), entry.get(1).asInt(), entry.get(2).asInt()));
        }
        return tensors;
    }

    /** A layer's declared input shape without the batch dimension: batch_shape (Keras 3), batch_input_shape (2). */
    static long[] declaredShape(JsonNode config) {
        JsonNode shape = config.has("batch_shape") ? config.get("batch_shape")
                : config.has("batch_input_shape") ? config.get("batch_input_shape") : config;
        if (!shape.isArray() || shape.isEmpty()) {
            return null;
        }
        long[] dims = new long[shape.size() - 1];
        for (int i = 1; i < shape.size(); i++) {
            dims[i - 1] = shape.get(i).isNull() ? -1 : shape.get(i).asLong();
        }
        return dims;
    }

    private static void checkUniqueNames(List<KerasLayer> layers, String where) {
        Set<String> seen = new HashSet<>();
        for (KerasLayer layer : layers) {
            if (!seen.add(layer.name())) {
                throw new KerasFileException(where + ": two layers are named '" + layer.name() + "'");
            }
        }
    }
}
