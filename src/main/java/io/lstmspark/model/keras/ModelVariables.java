package io.lstmspark.model.keras;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.tensorflow.proto.FunctionDef;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.SavedObjectGraphOuterClass.SavedObject;
import org.tensorflow.proto.SavedObjectGraphOuterClass.SavedObjectGraph;
import org.tensorflow.proto.TensorShapeProto;
import org.tensorflow.proto.TrackableObjectGraphOuterClass.TrackableObjectGraph.TrackableObject.ObjectReference;

/**
 * The variables of a TF2 SavedModel as the loader restores them: the restore function assigns each
 * checkpoint key to a top-level VarHandleOp, and the key is the path of the variable's object in the
 * object graph. Joining the two gives, for every variable object, the operation that holds its value
 * in the loaded session, whatever the key style ({@code variables/N}, {@code trainable_variables/N},
 * {@code layer_with_weights-N/...}, Keras 3 {@code _all_variables/N}).
 */
final class ModelVariables {

    private static final String VALUE_SUFFIX = "/.ATTRIBUTES/VARIABLE_VALUE";

    private final SavedObjectGraph objects;
    private final Map<Integer, LayerVariable> byNode;
    private final Map<String, LayerVariable> byHandle;

    private ModelVariables(SavedObjectGraph objects, Map<Integer, LayerVariable> byNode) {
        this.objects = objects;
        this.byNode = byNode;
        this.byHandle = new HashMap<>();
        byNode.values().forEach(v -> byHandle.put(v.handleOp(), v));
    }

    static ModelVariables read(MetaGraphDef meta) {
        SavedObjectGraph objects = meta.getObjectGraphDef();
        Map<Integer, LayerVariable> byNode = new LinkedHashMap<>();
        restoredKeys(meta).forEach((key, handle) -> {
            if (!key.endsWith(VALUE_SUFFIX) || key.contains("/.OPTIMIZER_SLOT/")) {
                return;
            }
            node(objects, key.substring(0, key.length() - VALUE_SUFFIX.length())).ifPresent(node -> {
                SavedObject object = objects.getNodes(node);
                if (object.hasVariable()) {
                    List<Long> shape = object.getVariable().getShape().getDimList().stream()
                            .map(TensorShapeProto.Dim::getSize).toList();
                    byNode.putIfAbsent(node, new LayerVariable(object.getVariable().getName(), handle, key, shape));
                }
            });
        });
        return new ModelVariables(objects, byNode);
    }

    boolean isEmpty() {
        return byNode.isEmpty();
    }

    SavedObjectGraph objects() {
        return objects;
    }

    Optional<LayerVariable> atNode(int node) {
        return Optional.ofNullable(byNode.get(node));
    }

    Optional<LayerVariable> heldBy(String handleOp) {
        return Optional.ofNullable(byHandle.get(handleOp));
    }

    /** The child of {@code node} named {@code localName} in the object graph. */
    static Optional<Integer> child(SavedObjectGraph objects, int node, String localName) {
        for (ObjectReference reference : objects.getNodes(node).getChildrenList()) {
            if (reference.getLocalName().equals(localName)) {
                return Optional.of(reference.getNodeId());
            }
        }
        return Optional.empty();
    }

    /** The object at a checkpoint path ({@code a/b/c}, names escaped as TensorFlow writes them) from the root. */
    private static Optional<Integer> node(SavedObjectGraph objects, String path) {
        int node = 0;
        for (String escaped : path.split("/")) {
            Optional<Integer> next = child(objects, node, unescape(escaped));
            if (next.isEmpty()) {
                return Optional.empty();
            }
            node = next.get();
        }
        return Optional.of(node);
    }

    /** TensorFlow writes '.' as ".." and '/' as ".S" in checkpoint keys. */
    private static String unescape(String name) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < name.length(); i++) {
            char ch = name.charAt(i);
            if (ch == '.' && i + 1 < name.length()) {
                char next = name.charAt(++i);
                out.append(next == 'S' ? '/' : next);
            } else {
                out.append(ch);
            }
        }
        return out.toString();
    }

    /**
     * Checkpoint key → top-level variable op, read from the restore function: its AssignVariableOps
     * write RestoreV2's k-th tensor (key k of RestoreV2's tensor_names) into the resource argument the
     * restore op is given by the top-level graph.
     */
    private static Map<String, String> restoredKeys(MetaGraphDef meta) {
        Map<String, String> keys = new LinkedHashMap<>();
        NodeDef restore = FunctionGraph.topLevelNode(meta, meta.getSaverDef().getRestoreOpName()).orElse(null);
        if (restore == null || !restore.getAttrMap().containsKey("f")) {
            return keys;
        }
        FunctionDef function = FunctionGraph.function(meta, restore.getAttrMap().get("f").getFunc().getName())
                .orElse(null);
        if (function == null) {
            return keys;
        }
        List<String> inputs = FunctionGraph.dataInputs(restore);
        Map<String, String> argToOp = new HashMap<>();
        for (int i = 0; i < function.getSignature().getInputArgCount() && i < inputs.size(); i++) {
            argToOp.put(function.getSignature().getInputArg(i).getName(), FunctionGraph.producer(inputs.get(i)));
        }
        Map<String, NodeDef> nodes = FunctionGraph.nodesByName(function);
        for (NodeDef node : function.getNodeDefList()) {
            if (!node.getOp().equals("AssignVariableOp") || node.getInputCount() < 2) {
                continue;
            }
            String handle = argToOp.get(FunctionGraph.producer(node.getInput(0)));
            String value = node.getInput(1);
            while (nodes.containsKey(FunctionGraph.producer(value))
                    && nodes.get(FunctionGraph.producer(value)).getOp().equals("Identity")) {
                value = nodes.get(FunctionGraph.producer(value)).getInput(0);
            }
            NodeDef restoreV2 = nodes.get(FunctionGraph.producer(value));
            if (handle == null || restoreV2 == null || !restoreV2.getOp().equals("RestoreV2")) {
                continue;
            }
            NodeDef names = nodes.get(FunctionGraph.producer(restoreV2.getInput(1)));
            int index = FunctionGraph.outputIndex(value);
            if (names != null && names.getAttrMap().containsKey("value")
                    && index < names.getAttrMap().get("value").getTensor().getStringValCount()) {
                keys.put(names.getAttrMap().get("value").getTensor().getStringVal(index).toStringUtf8(), handle);
            }
        }
        return keys;
    }
}
