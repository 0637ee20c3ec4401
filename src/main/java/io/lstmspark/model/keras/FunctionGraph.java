package io.lstmspark.model.keras;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.FunctionDef;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.NodeDef;

/**
 * What a model's function bodies do with its variables, read from the function library of the meta
 * graph: starting at a signature's call op, variables are followed into the functions (and the
 * functions those call, while-loop bodies included) to the MatMuls that use them, and from there to
 * the activation ops applied after them. This is how a layer's activation is read from a model that
 * records no layer configuration (Keras 3 exports).
 */
final class FunctionGraph {

    private static final int MAX_DEPTH = 8;
    private static final Set<String> PASS_THROUGH = Set.of("Identity", "Cast");
    private static final Set<String> ADDS = Set.of("AddV2", "Add", "BiasAdd");
    private static final Set<String> CALLS = Set.of("PartitionedCall", "StatefulPartitionedCall");
    private static final Set<String> LOOPS = Set.of("While", "StatelessWhile");

    /** Where a variable's MatMul was found: the function and its MatMul node. */
    private record Use(String function, NodeDef matMul) {
    }

    /** A function argument bound to a variable: its resource handle, or its value already read. */
    private record Bound(String handleOp, boolean value) {
    }

    private final MetaGraphDef meta;
    private final List<String> capturedVariables = new ArrayList<>();
    private final Map<String, List<Use>> uses = new LinkedHashMap<>();
    private final Set<String> visited = new HashSet<>();

    private FunctionGraph(MetaGraphDef meta) {
        this.meta = meta;
    }

    /** Traces the function that computes {@code outputTensor} (a signature output, {@code op:N}). */
    static FunctionGraph trace(MetaGraphDef meta, String outputTensor) {
        FunctionGraph graph = new FunctionGraph(meta);
        topLevelNode(meta, producer(outputTensor)).ifPresent(call -> {
            Map<String, NodeDef> topLevel = new HashMap<>();
            meta.getGraphDef().getNodeList().forEach(n -> topLevel.put(n.getName(), n));
            Map<Integer, Bound> bindings = new HashMap<>();
            List<String> inputs = dataInputs(call);
            for (int i = 0; i < inputs.size(); i++) {
                NodeDef input = topLevel.get(producer(inputs.get(i)));
                if (input != null && input.getOp().equals("VarHandleOp")) {
                    bindings.put(i, new Bound(input.getName(), false));
                    graph.capturedVariables.add(input.getName());
                }
            }
            graph.callee(call).ifPresent(function -> graph.visit(function, bindings, 0));
        });
        return graph;
    }

    /** The top-level variable ops the traced function takes, in argument order. */
    List<String> capturedVariables() {
        return List.copyOf(capturedVariables);
    }

    /** The LSTM gate activations applied after {@code kernelOp}'s MatMuls, if the bodies show them unambiguously. */
    Optional<GateActivations> gateActivations(String kernelOp) {
        Set<GateActivations> found = new HashSet<>();
        String where = null;
        for (Use use : uses.getOrDefault(kernelOp, List.of())) {
            FunctionDef function = function(meta, use.function()).orElseThrow();
            Optional<NodeDef> split = downstream(function, use.matMul(), node -> isFourWaySplit(node));
            if (split.isPresent()) {
                Optional<Activation> recurrent = common(List.of(after(function, split.get(), 0),
                        after(function, split.get(), 1), after(function, split.get(), 3)));
                Optional<Activation> activation = after(function, split.get(), 2);
                if (recurrent.isEmpty() || activation.isEmpty()) {
                    return Optional.empty();
                }
                found.add(new GateActivations(activation.get(), recurrent.get(), ""));
                where = use.function();
            }
        }
        if (found.size() != 1) {
            return Optional.empty();
        }
        GateActivations gates = found.iterator().next();
        return Optional.of(new GateActivations(gates.activation(), gates.recurrentActivation(),
                "function body " + where + ": " + opName(gates.activation()) + " on the candidate gate, "
                        + opName(gates.recurrentActivation()) + " on the input, forget and output gates"));
    }

    /** The activation applied after {@code kernelOp}'s MatMul and bias add (a Dense layer), if unambiguous. */
    Optional<Activation> denseActivation(String kernelOp) {
        Set<Activation> found = new HashSet<>();
        for (Use use : uses.getOrDefault(kernelOp, List.of())) {
            FunctionDef function = function(meta, use.function()).orElseThrow();
            NodeDef last = use.matMul();
            List<NodeDef> next = consumers(function, last.getName(), null);
            if (next.size() == 1 && ADDS.contains(next.get(0).getOp())) {
                last = next.get(0);
                next = consumers(function, last.getName(), null);
            }
            Optional<Activation> activation = Optional.of(Activation.LINEAR);
            for (NodeDef consumer : next) {
                if (Activation.ofOp(consumer.getOp()).isPresent()) {
                    activation = Activation.ofOp(consumer.getOp());
                }
            }
            found.add(activation.get());
        }
        return found.size() == 1 ? Optional.of(found.iterator().next()) : Optional.empty();
    }

    /** Activations an LSTM cell applies, and where they were read. */
    record GateActivations(Activation activation, Activation recurrentActivation, String source) {
    }

    private void visit(FunctionDef function, Map<Integer, Bound> bindings, int depth) {
        String name = function.getSignature().getName();
        if (depth > MAX_DEPTH || !visited.add(name + bindings)) {
            return;
        }
        Map<String, Bound> carriers = new HashMap<>();
        bindings.forEach((i, bound) -> {
            if (i < function.getSignature().getInputArgCount()) {
                carriers.put(function.getSignature().getInputArg(i).getName(), bound);
            }
        });
        boolean changed = true;
        while (changed) {
            changed = false;
            for (NodeDef node : function.getNodeDefList()) {
                if (carriers.containsKey(node.getName()) || node.getInputCount() == 0) {
                    continue;
                }
                Bound source = carriers.get(producer(node.getInput(0)));
                if (source != null && node.getOp().equals("ReadVariableOp") && !source.value()) {
                    carriers.put(node.getName(), new Bound(source.handleOp(), true));
                    changed = true;
                } else if (source != null && PASS_THROUGH.contains(node.getOp())) {
                    carriers.put(node.getName(), source);
                    changed = true;
                }
            }
        }
        for (NodeDef node : function.getNodeDefList()) {
            if (node.getOp().equals("MatMul") && node.getInputCount() > 1) {
                Bound kernel = carriers.get(producer(node.getInput(1)));
                if (kernel != null && kernel.value()) {
                    uses.computeIfAbsent(kernel.handleOp(), k -> new ArrayList<>()).add(new Use(name, node));
                }
            }
            Optional<FunctionDef> callee = callee(node);
            if (callee.isPresent()) {
                Map<Integer, Bound> nested = new HashMap<>();
                List<String> inputs = dataInputs(node);
                for (int i = 0; i < inputs.size(); i++) {
                    Bound bound = carriers.get(producer(inputs.get(i)));
                    if (bound != null) {
                        nested.put(i, bound);
                    }
                }
                if (!nested.isEmpty()) {
                    visit(callee.get(), nested, depth + 1);
                }
            }
        }
    }

    private Optional<FunctionDef> callee(NodeDef node) {
        Map<String, AttrValue> attrs = node.getAttrMap();
        if (CALLS.contains(node.getOp()) && attrs.containsKey("f")) {
            return function(meta, attrs.get("f").getFunc().getName());
        }
        if (LOOPS.contains(node.getOp()) && attrs.containsKey("body")) {
            return function(meta, attrs.get("body").getFunc().getName());
        }
        return Optional.empty();
    }

    private static boolean isFourWaySplit(NodeDef node) {
        return (node.getOp().equals("Split") || node.getOp().equals("SplitV"))
                && node.getAttrMap().containsKey("num_split") && node.getAttrMap().get("num_split").getI() == 4;
    }

    /** The first node matching {@code target} reached from {@code start} through adds, at most a few hops away. */
    private static Optional<NodeDef> downstream(FunctionDef function, NodeDef start,
                                                java.util.function.Predicate<NodeDef> target) {
        ArrayDeque<NodeDef> queue = new ArrayDeque<>(List.of(start));
        Set<String> seen = new HashSet<>();
        int hops = 0;
        while (!queue.isEmpty() && hops++ < 16) {
            NodeDef node = queue.poll();
            for (NodeDef consumer : consumers(function, node.getName(), null)) {
                if (target.test(consumer)) {
                    return Optional.of(consumer);
                }
                if ((ADDS.contains(consumer.getOp()) || PASS_THROUGH.contains(consumer.getOp()))
                        && seen.add(consumer.getName())) {
                    queue.add(consumer);
                }
            }
        }
        return Optional.empty();
    }

    /** The activation applied to output {@code index} of a split: an activation op, or none (linear). */
    private static Optional<Activation> after(FunctionDef function, NodeDef split, int index) {
        List<NodeDef> consumers = consumers(function, split.getName(), index);
        Set<Activation> activations = new HashSet<>();
        for (NodeDef consumer : consumers) {
            Optional<Activation> activation = Activation.ofOp(consumer.getOp());
            if (activation.isPresent()) {
                activations.add(activation.get());
            } else if (consumer.getOp().equals("Mul")) {
                activations.add(Activation.LINEAR);
            } else {
                return Optional.empty();
            }
        }
        return activations.size() == 1 ? Optional.of(activations.iterator().next()) : Optional.empty();
    }

    private static Optional<Activation> common(List<Optional<Activation>> activations) {
        Set<Optional<Activation>> distinct = new HashSet<>(activations);
        return distinct.size() == 1 ? distinct.iterator().next() : Optional.empty();
    }

    /** Nodes reading {@code producer}'s outputs (only output {@code index} when given). */
    private static List<NodeDef> consumers(FunctionDef function, String producer, Integer index) {
        List<NodeDef> consumers = new ArrayList<>();
        for (NodeDef node : function.getNodeDefList()) {
            for (String input : dataInputs(node)) {
                if (producer(input).equals(producer) && (index == null || outputIndex(input) == index)) {
                    consumers.add(node);
                    break;
                }
            }
        }
        return consumers;
    }

    private static String opName(Activation activation) {
        return activation == Activation.LINEAR ? "no activation op" : activation.tensorFlowOp();
    }

    static Optional<NodeDef> topLevelNode(MetaGraphDef meta, String name) {
        return meta.getGraphDef().getNodeList().stream().filter(n -> n.getName().equals(name)).findFirst();
    }

    static Optional<FunctionDef> function(MetaGraphDef meta, String name) {
        return meta.getGraphDef().getLibrary().getFunctionList().stream()
                .filter(f -> f.getSignature().getName().equals(name)).findFirst();
    }

    static Map<String, NodeDef> nodesByName(FunctionDef function) {
        Map<String, NodeDef> nodes = new HashMap<>();
        function.getNodeDefList().forEach(n -> nodes.put(n.getName(), n));
        return nodes;
    }

    /** A node's data inputs (control inputs, written ^name, left out). */
    static List<String> dataInputs(NodeDef node) {
        return node.getInputList().stream().filter(i -> !i.startsWith("^")).toList();
    }

    /** The node an input reference reads: {@code name}, {@code name:N} or, inside functions, {@code name:output:N}. */
    static String producer(String input) {
        String name = input.startsWith("^") ? input.substring(1) : input;
        int colon = name.indexOf(':');
        return colon < 0 ? name : name.substring(0, colon);
    }

    /** The output index an input reference reads (0 when it names none). */
    static int outputIndex(String input) {
        int colon = input.lastIndexOf(':');
        if (colon < 0) {
            return 0;
        }
        try {
            return Integer.parseInt(input.substring(colon + 1));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
