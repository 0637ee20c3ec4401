package io.lstmspark.model;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.FunctionDef;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;

/**
 * A graph's nodes and function library by name, and what a set of nodes runs: the nodes they
 * depend on and the functions they call, read from the protobufs without loading the model.
 */
final class GraphWalk {

    private final GraphDef graph;
    private final Map<String, NodeDef> nodes = new HashMap<>();
    private final Map<String, FunctionDef> functions = new HashMap<>();

    GraphWalk(GraphDef graph) {
        this.graph = graph;
        graph.getNodeList().forEach(node -> nodes.put(node.getName(), node));
        graph.getLibrary().getFunctionList().forEach(f -> functions.put(f.getSignature().getName(), f));
    }

    GraphDef graph() {
        return graph;
    }

    /** The top-level node of that name, or null. */
    NodeDef node(String name) {
        return nodes.get(name);
    }

    /** The library's function of that name, or null. */
    FunctionDef function(String name) {
        return functions.get(name);
    }

    Set<String> functionNames() {
        return functions.keySet();
    }

    /** Graph nodes the named nodes or tensors depend on, themselves included. */
    Set<String> closure(Collection<String> starts) {
        Set<String> into = new HashSet<>();
        Deque<String> pending = new ArrayDeque<>();
        starts.stream().filter(s -> !s.isEmpty()).map(GraphWalk::nodeName).forEach(pending::add);
        while (!pending.isEmpty()) {
            String name = pending.pop();
            NodeDef node = nodes.get(name);
            if (node != null && into.add(name)) {
                node.getInputList().stream().map(GraphWalk::nodeName).forEach(pending::add);
            }
        }
        return into;
    }

    /** Functions the named graph nodes call, directly or through the functions they call. */
    Set<String> functionsCalledBy(Collection<String> nodeNames) {
        Set<String> into = new HashSet<>();
        Deque<NodeDef> pending = new ArrayDeque<>();
        nodeNames.stream().map(nodes::get).filter(n -> n != null).forEach(pending::add);
        while (!pending.isEmpty()) {
            for (String callee : callees(pending.pop())) {
                if (into.add(callee)) {
                    pending.addAll(functions.get(callee).getNodeDefList());
                }
            }
        }
        return into;
    }

    /** The library functions a node calls: as its op type, or through function-valued attributes. */
    Set<String> callees(NodeDef node) {
        Set<String> callees = new LinkedHashSet<>();
        if (functions.containsKey(node.getOp())) {
            callees.add(node.getOp());
        }
        for (AttrValue value : node.getAttrMap().values()) {
            if (value.hasFunc()) {
                callees.add(value.getFunc().getName());
            }
            value.getList().getFuncList().forEach(f -> callees.add(f.getName()));
        }
        callees.retainAll(functions.keySet());
        return callees;
    }

    /** The node an input names: {@code ^node} (control input), {@code node:N} or {@code node}. */
    static String nodeName(String input) {
        String name = input.startsWith("^") ? input.substring(1) : input;
        int colon = name.indexOf(':');
        return colon < 0 ? name : name.substring(0, colon);
    }
}
