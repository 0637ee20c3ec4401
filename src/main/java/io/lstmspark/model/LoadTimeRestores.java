package io.lstmspark.model;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.tensorflow.proto.FunctionDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.SaverDef;

/**
 * The restore ops the saver's restore op runs at load, sorted by where their checkpoint prefix comes
 * from: the saver's filename tensor, which the loader feeds with the model's own variables path, or
 * anything else. Follows function calls whose arguments map to the call's inputs; restores in
 * functions called deeper than {@link #MAX_CALL_DEPTH} stay unproven, and so count as elsewhere.
 */
final class LoadTimeRestores {

    static final Set<String> CHECKPOINT_READS = Set.of("RestoreV2", "Restore", "RestoreSlice");
    /** Call ops whose data inputs are the called function's arguments, in order. */
    private static final Set<String> CALLS = Set.of("PartitionedCall", "StatefulPartitionedCall");
    private static final int MAX_CALL_DEPTH = 16;

    private final GraphWalk walk;
    private final SaverDef saver;
    private final Set<String> fromOwnVariables = new HashSet<>();
    private final Set<String> fromElsewhere = new HashSet<>();

    /** A function body as run from one call node; {@code caller} is null at the top-level graph. */
    private record CallSite(FunctionDef function, Map<String, NodeDef> body, NodeDef call, CallSite caller) {
    }

    private LoadTimeRestores(GraphWalk walk, SaverDef saver) {
        this.walk = walk;
        this.saver = saver;
    }

    /** Traces the restores {@code atRestore} (the nodes the saver's restore op runs) reach; none without a saver. */
    static LoadTimeRestores trace(GraphWalk walk, SaverDef saver, Set<String> atRestore) {
        LoadTimeRestores restores = new LoadTimeRestores(walk, saver);
        if (saver == null) {
            return restores;
        }
        for (String name : atRestore) {
            NodeDef node = walk.node(name);
            if (CHECKPOINT_READS.contains(node.getOp())) {
                boolean own = !node.getInputList().isEmpty() && restores.isFilenameTensor(node.getInput(0), null);
                (own ? restores.fromOwnVariables : restores.fromElsewhere).add(key(null, name));
            }
            restores.visitCalls(node, null, 0);
        }
        return restores;
    }

    /**
     * Whether restore {@code node} (in {@code function}, or the top-level graph for null) reads only the
     * model's own variables: every way the restore op reaches it feeds it the saver's filename tensor.
     */
    boolean readsOwnVariables(String function, String node) {
        String key = key(function, node);
        return fromOwnVariables.contains(key) && !fromElsewhere.contains(key);
    }

    private void visitCalls(NodeDef node, CallSite at, int depth) {
        for (String callee : walk.callees(node)) {
            FunctionDef function = walk.function(callee);
            boolean argumentsAreInputs = CALLS.contains(node.getOp()) || node.getOp().equals(callee);
            CallSite site = new CallSite(function, function.getNodeDefList().stream()
                    .collect(Collectors.toMap(NodeDef::getName, n -> n, (a, b) -> a)),
                    argumentsAreInputs ? node : null, at);
            for (NodeDef inner : function.getNodeDefList()) {
                if (CHECKPOINT_READS.contains(inner.getOp())) {
                    boolean own = site.call() != null && !inner.getInputList().isEmpty()
                            && isFilenameTensor(inner.getInput(0), site);
                    (own ? fromOwnVariables : fromElsewhere).add(key(callee, inner.getName()));
                }
                if (depth < MAX_CALL_DEPTH) {
                    visitCalls(inner, site, depth + 1);
                }
            }
        }
    }

    /** Whether {@code input}, read at {@code at}, is the saver's filename tensor, maybe through Identity ops. */
    private boolean isFilenameTensor(String input, CallSite at) {
        if (input.startsWith("^")) {
            return false;
        }
        String name = GraphWalk.nodeName(input);
        if (at == null) {
            if ((input.contains(":") ? input : input + ":0").equals(saver.getFilenameTensorName())) {
                return true;
            }
            NodeDef node = walk.node(name);
            return node != null && node.getOp().equals("Identity") && node.getInputCount() > 0
                    && isFilenameTensor(node.getInput(0), null);
        }
        if (!input.contains(":")) {
            // A plain name inside a function body is one of its arguments.
            int argument = argumentIndex(at.function(), name);
            List<String> callInputs = at.call() == null ? List.of()
                    : at.call().getInputList().stream().filter(i -> !i.startsWith("^")).toList();
            return argument >= 0 && argument < callInputs.size()
                    && isFilenameTensor(callInputs.get(argument), at.caller());
        }
        NodeDef node = at.body().get(name);
        return node != null && node.getOp().equals("Identity") && node.getInputCount() > 0
                && isFilenameTensor(node.getInput(0), at);
    }

    private static int argumentIndex(FunctionDef function, String name) {
        for (int i = 0; i < function.getSignature().getInputArgCount(); i++) {
            if (function.getSignature().getInputArg(i).getName().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    private static String key(String function, String node) {
        return (function == null ? "" : function) + "/" + node;
    }
}
