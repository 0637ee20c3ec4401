package io.lstmspark.model;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.internal.types.registry.TensorTypeRegistry;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.VarIsInitializedOp;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.SavedObjectGraphOuterClass.SavedConcreteFunction;
import org.tensorflow.proto.SavedObjectGraphOuterClass.SavedObject;
import org.tensorflow.proto.TrackableObjectGraphOuterClass.TrackableObjectGraph;
import org.tensorflow.proto.TrackableObjectGraphOuterClass.TrackableObjectGraph.TrackableObject.SerializedTensor;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TString;
import org.tensorflow.types.family.TType;

/**
 * Restores the variables a TF2 SavedModel's functions read but its own saver leaves out.
 *
 * <p>Some SavedModels (e.g. a {@code tf.Module} holding Keras 3 layers, saved with
 * {@code tf.saved_model.save}) pass one set of variable handles to their signature functions and
 * restore another: TensorFlow Python loads them through the object graph and works, while a plain
 * graph load fails at the first call with "Could not find variable ...". The object graph says which
 * saved object each captured handle stands for ({@code bound_inputs}), and the checkpoint's own
 * object graph gives that object's checkpoint key; this class restores those handles from it.
 */
final class CapturedVariables {

    private static final Logger LOG = LoggerFactory.getLogger(CapturedVariables.class);
    private static final String OBJECT_GRAPH_KEY = "_CHECKPOINTABLE_OBJECT_GRAPH";
    private static final String VARIABLE_VALUE = "VARIABLE_VALUE";
    private static final List<String> CALL_OPS = List.of("StatefulPartitionedCall", "PartitionedCall");

    private CapturedVariables() {
    }

    /** A top-level variable handle, its value type, and the saved object it is bound to. */
    private record Capture(String handle, DataType type, int objectId) {
    }

    /**
     * Restores every captured variable that is still uninitialised after the model's own restore.
     *
     * @return the restored variables' handle names (usually none)
     */
    static List<String> restoreUninitialised(Graph graph, Session session, MetaGraphDef metaGraph,
                                             Path savedModelDir) {
        List<Capture> captures = captures(metaGraph);
        if (captures.isEmpty()) {
            return List.of();
        }
        List<Capture> missing = uninitialised(graph, session, captures);
        if (missing.isEmpty()) {
            return List.of();
        }
        String prefix = savedModelDir.resolve("variables").resolve("variables").toString();
        Ops tf = Ops.create(graph).withSubScope("lstm_spark_restore");
        TrackableObjectGraph checkpointObjects = checkpointObjectGraph(tf, session, prefix, savedModelDir);
        Session.Runner runner = session.runner();
        List<String> restored = new ArrayList<>();
        for (Capture capture : missing) {
            String key = checkpointKey(checkpointObjects, metaGraph, capture);
            if (key == null) {
                LOG.warn("Model {}: variable {} is not initialised and the checkpoint has no value for it",
                        savedModelDir, capture.handle());
                continue;
            }
            Class<? extends TType> type = TensorTypeRegistry.find(capture.type()).type();
            Operand<?> value = tf.train.restore(tf.constant(prefix), tf.constant(NdArrays.vectorOfObjects(key)),
                    tf.constant(NdArrays.vectorOfObjects("")), List.of(type)).tensors().get(0);
            runner.addTarget(tf.assignVariableOp(graph.operationOrThrow(capture.handle()).output(0), value));
            restored.add(capture.handle());
        }
        if (restored.isEmpty()) {
            return List.of();
        }
        runner.run().close(); // targets only: the result holds no tensor
        LOG.info("Model {}: restored {} variables that its functions read but its saver does not restore: {}",
                savedModelDir, restored.size(), restored);
        return List.copyOf(restored);
    }

    /** Top-level handles passed to function calls as captured inputs, with the object each is bound to. */
    private static List<Capture> captures(MetaGraphDef metaGraph) {
        Map<String, SavedConcreteFunction> functions = metaGraph.getObjectGraphDef().getConcreteFunctionsMap();
        if (functions.isEmpty()) {
            return List.of();
        }
        Map<String, NodeDef> nodes = new LinkedHashMap<>();
        metaGraph.getGraphDef().getNodeList().forEach(node -> nodes.put(node.getName(), node));
        Map<String, Capture> captures = new LinkedHashMap<>();
        for (NodeDef node : nodes.values()) {
            if (!CALL_OPS.contains(node.getOp()) || !node.containsAttr("f")) {
                continue;
            }
            SavedConcreteFunction function = functions.get(node.getAttrOrThrow("f").getFunc().getName());
            if (function == null) {
                continue;
            }
            List<String> inputs = node.getInputList().stream().filter(input -> !input.startsWith("^")).toList();
            int bound = function.getBoundInputsCount();
            for (int i = 0; i < bound && i < inputs.size(); i++) {
                String input = inputs.get(inputs.size() - bound + i);
                NodeDef source = nodes.get(input.contains(":") ? input.substring(0, input.indexOf(':')) : input);
                if (source != null && source.getOp().equals("VarHandleOp")) {
                    captures.putIfAbsent(source.getName(), new Capture(source.getName(),
                            source.getAttrOrThrow("dtype").getType(), function.getBoundInputs(i)));
                }
            }
        }
        return new ArrayList<>(captures.values());
    }

    private static List<Capture> uninitialised(Graph graph, Session session, List<Capture> captures) {
        Ops tf = Ops.create(graph).withSubScope("lstm_spark_check");
        Session.Runner runner = session.runner();
        List<VarIsInitializedOp> checks = new ArrayList<>();
        for (Capture capture : captures) {
            VarIsInitializedOp check = tf.varIsInitializedOp(graph.operationOrThrow(capture.handle()).output(0));
            checks.add(check);
            runner.fetch(check);
        }
        List<Capture> missing = new ArrayList<>();
        try (Result result = runner.run()) {
            for (int i = 0; i < checks.size(); i++) {
                if (!((TBool) result.get(i)).getBoolean()) {
                    missing.add(captures.get(i));
                }
            }
        }
        return missing;
    }

    private static TrackableObjectGraph checkpointObjectGraph(Ops tf, Session session, String prefix, Path model) {
        Operand<?> serialized = tf.train.restore(tf.constant(prefix),
                tf.constant(NdArrays.vectorOfObjects(OBJECT_GRAPH_KEY)), tf.constant(NdArrays.vectorOfObjects("")),
                List.of(TString.class)).tensors().get(0);
        try (Result result = session.runner().fetch(serialized).run()) {
            return TrackableObjectGraph.parseFrom(((TString) result.get(0)).asBytes().getObject());
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new ModelException("SavedModel " + model + ": the checkpoint's object graph is damaged ("
                    + e.getMessage() + "): copy the whole variables folder again", e);
        }
    }

    /**
     * The checkpoint key of the object a capture is bound to. The SavedModel's object graph and the
     * checkpoint's list objects in the same order; the variable's name is checked on both sides.
     */
    private static String checkpointKey(TrackableObjectGraph checkpoint, MetaGraphDef metaGraph, Capture capture) {
        int id = capture.objectId();
        if (id >= checkpoint.getNodesCount() || id >= metaGraph.getObjectGraphDef().getNodesCount()) {
            return null;
        }
        SavedObject saved = metaGraph.getObjectGraphDef().getNodes(id);
        String name = saved.hasVariable() ? saved.getVariable().getName() : "";
        for (SerializedTensor attribute : checkpoint.getNodes(id).getAttributesList()) {
            if (attribute.getName().equals(VARIABLE_VALUE)
                    && (name.isEmpty() || attribute.getFullName().isEmpty() || attribute.getFullName().equals(name))) {
                return attribute.getCheckpointKey();
            }
        }
        return null;
    }
}
