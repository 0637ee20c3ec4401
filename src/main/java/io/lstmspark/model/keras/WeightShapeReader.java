package io.lstmspark.model.keras;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Keras 3 (no saved config): layers inferred from the weights the signature's function uses. */
final class WeightShapeReader {
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
        sources.put("activation", gates.map(g -> g.activation().kerasName()).orElse("?")
                + " (" + activationSource + ")");
        sources.put("recurrent_activation", gates.map(g -> g.recurrentActivation().kerasName()).orElse("?")
                + " (" + activationSource + ")");
        sources.put("weights", KerasLstmLayers.weightsSource(kernel, recurrent, bias));
        return new LstmLayer(name, position, (int) kernel.dim(0), (int) recurrent.dim(0),
                gates.map(FunctionGraph.GateActivations::activation),
                gates.map(FunctionGraph.GateActivations::recurrentActivation), Optional.empty(), Optional.empty(),
                kernel, recurrent, bias,
                inputBlocker.map(b -> b + ", and a state tap's input must be the model input or an LSTM's sequence"),
                sources);
    }

    /** The kind {@link RecurrentWeightShapes} tells from the weights; a Bidirectional wrapper names its halves. */
    private static String recurrentKind(LayerVariable kernel, LayerVariable recurrent, String prefix) {
        String gates = RecurrentWeightShapes.kerasKind(kernel.dims(), recurrent.dims())
                .map(RecurrentWeightShapes.Kind::kerasName).orElse("recurrent layer");
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
