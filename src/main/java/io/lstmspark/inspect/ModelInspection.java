package io.lstmspark.inspect;

import io.lstmspark.model.LoadedModel;
import io.lstmspark.model.ModelException;
import io.lstmspark.model.ModelFormat;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.SavedModel;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import org.tensorflow.proto.TensorShapeProto;

/**
 * Reads what a model exposes from its files: the SavedModel's protobufs, and its graph imported into
 * a plain {@link Graph} for shapes. Nothing of the model runs: no session, no restore, no init op.
 */
final class ModelInspection {

    private static final String DEFAULT_TAG = "serve";
    private static final String INIT_OP_SIGNATURE = "__saved_model_init_op";
    private static final Set<String> VARIABLE_OPS = Set.of("VarHandleOp", "VariableV2", "Variable");
    private static final Set<String> PLACEHOLDER_OPS = Set.of("Placeholder", "PlaceholderWithDefault");

    private ModelInspection() {
    }

    /**
     * @param tags the meta graph to describe; empty: the one tagged {@code serve}, else the first
     * @param ops  list the top-level operations whose name this pattern finds
     */
    static ModelDescription describe(Path path, Optional<List<String>> tags, Optional<Pattern> ops) {
        ModelFormat format = ModelFormat.detect(path);
        List<List<String>> tagSets = List.of();
        List<String> shownTags = List.of();
        List<ModelDescription.SignatureInfo> signatures = List.of();
        Set<String> nonTrainable = Set.of();
        GraphDef graphDef;
        if (format == ModelFormat.SAVED_MODEL) {
            SavedModel savedModel = LoadedModel.readSavedModelProto(path);
            tagSets = savedModel.getMetaGraphsList().stream()
                    .map(m -> List.copyOf(m.getMetaInfoDef().getTagsList())).toList();
            MetaGraphDef metaGraph = metaGraph(path, savedModel, tags, tagSets);
            shownTags = List.copyOf(metaGraph.getMetaInfoDef().getTagsList());
            signatures = signatures(metaGraph);
            nonTrainable = nonTrainable(metaGraph);
            graphDef = metaGraph.getGraphDef();
        } else {
            graphDef = LoadedModel.readFrozenGraphProto(path);
        }
        try (Graph graph = new Graph()) {
            try {
                graph.importGraphDef(graphDef);
            } catch (IllegalArgumentException | org.tensorflow.exceptions.TensorFlowException e) {
                throw new ModelException("cannot import the graph of " + path + ": "
                        + String.valueOf(e.getMessage()).lines().findFirst().orElse(""), e);
            }
            return new ModelDescription(path.toString(), format.name().toLowerCase(Locale.ROOT), tagSets, shownTags,
                    signatures, placeholders(graph), LstmVariables.find(weights(graphDef, graph, nonTrainable)),
                    null, ops.map(Pattern::pattern).orElse(null), ops.map(p -> operations(graph, p)).orElse(null));
        }
    }

    private static MetaGraphDef metaGraph(Path path, SavedModel savedModel, Optional<List<String>> tags,
                                          List<List<String>> tagSets) {
        List<String> wanted = tags.orElse(List.of(DEFAULT_TAG));
        for (MetaGraphDef metaGraph : savedModel.getMetaGraphsList()) {
            List<String> has = metaGraph.getMetaInfoDef().getTagsList();
            if (has.containsAll(wanted) && wanted.containsAll(has)) {
                return metaGraph;
            }
        }
        if (tags.isEmpty() && savedModel.getMetaGraphsCount() > 0) {
            return savedModel.getMetaGraphs(0);
        }
        throw new ModelException("SavedModel " + path + " has no meta graph tagged " + wanted + "; it has "
                + tagSets + ": pass one of these with --tags");
    }

    private static List<ModelDescription.SignatureInfo> signatures(MetaGraphDef metaGraph) {
        List<ModelDescription.SignatureInfo> signatures = new ArrayList<>();
        metaGraph.getSignatureDefMap().entrySet().stream()
                .filter(e -> !e.getKey().equals(INIT_OP_SIGNATURE))
                .sorted(Map.Entry.comparingByKey())
                .forEach(e -> {
                    SignatureDef def = e.getValue();
                    signatures.add(new ModelDescription.SignatureInfo(e.getKey(), def.getMethodName(),
                            tensors(def.getInputsMap()), tensors(def.getOutputsMap())));
                });
        return signatures;
    }

    private static List<ModelDescription.TensorInfo> tensors(Map<String, TensorInfo> byKey) {
        return byKey.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> new ModelDescription.TensorInfo(e.getKey(), e.getValue().getName(),
                        dtype(e.getValue().getDtype()), shape(e.getValue().getTensorShape())))
                .toList();
    }

    /** Variables the object graph records as not trainable only: optimizer slots, counters, metrics. */
    private static Set<String> nonTrainable(MetaGraphDef metaGraph) {
        Set<String> trainable = new HashSet<>();
        Set<String> other = new HashSet<>();
        metaGraph.getObjectGraphDef().getNodesList().stream().filter(n -> n.hasVariable()).forEach(n ->
                (n.getVariable().getTrainable() ? trainable : other).add(n.getVariable().getName()));
        other.removeAll(trainable);
        return other;
    }

    private static List<ModelDescription.TensorInfo> placeholders(Graph graph) {
        List<ModelDescription.TensorInfo> placeholders = new ArrayList<>();
        for (GraphOperation op : operations(graph)) {
            // String placeholders are checkpoint file names (the saver's), never model inputs.
            if (PLACEHOLDER_OPS.contains(op.type()) && op.output(0).dataType() != DataType.DT_STRING) {
                placeholders.add(tensor(op.output(0)));
            }
        }
        placeholders.sort(Comparator.comparing(ModelDescription.TensorInfo::tensor));
        return placeholders;
    }

    /**
     * Trainable weights by name with their static shapes: variables (shape attribute) and, for
     * frozen graphs, constants and their reads (shape inferred on import).
     */
    private static Map<String, long[]> weights(GraphDef graphDef, Graph graph, Set<String> nonTrainable) {
        Map<String, long[]> weights = new LinkedHashMap<>();
        for (NodeDef node : graphDef.getNodeList()) {
            if (nonTrainable.contains(node.getName()) || !LstmVariables.isWeightName(node.getName())) {
                continue;
            }
            long[] shape = null;
            if (VARIABLE_OPS.contains(node.getOp()) && node.containsAttr("shape")) {
                shape = shape(node.getAttrOrThrow("shape").getShape());
            } else if (!node.getOp().startsWith("VarHandle") && graph.operation(node.getName()) != null
                    && graph.operation(node.getName()).numOutputs() > 0) {
                shape = shape(graph.operation(node.getName()).output(0).shape());
            }
            if (shape != null) {
                weights.put(node.getName(), shape);
            }
        }
        return weights;
    }

    private static List<ModelDescription.OpInfo> operations(Graph graph, Pattern pattern) {
        List<ModelDescription.OpInfo> ops = new ArrayList<>();
        for (GraphOperation op : operations(graph)) {
            if (pattern.matcher(op.name()).find()) {
                List<ModelDescription.TensorInfo> outputs = new ArrayList<>();
                for (int i = 0; i < op.numOutputs(); i++) {
                    outputs.add(tensor(op.output(i)));
                }
                ops.add(new ModelDescription.OpInfo(op.name(), op.type(), outputs));
            }
        }
        ops.sort(Comparator.comparing(ModelDescription.OpInfo::name));
        return ops;
    }

    private static List<GraphOperation> operations(Graph graph) {
        List<GraphOperation> ops = new ArrayList<>();
        for (Iterator<GraphOperation> it = graph.operations(); it.hasNext(); ) {
            ops.add(it.next());
        }
        return ops;
    }

    private static ModelDescription.TensorInfo tensor(Output<?> output) {
        return new ModelDescription.TensorInfo(null, output.op().name() + ":" + output.index(),
                dtype(output.dataType()), shape(output.shape()));
    }

    static String dtype(DataType type) {
        return switch (type) {
            case DT_FLOAT -> "float32";
            case DT_DOUBLE -> "float64";
            case DT_HALF -> "float16";
            default -> type.name().replaceFirst("^DT_", "").toLowerCase(Locale.ROOT);
        };
    }

    private static long[] shape(TensorShapeProto shape) {
        return shape.getUnknownRank() ? null : shape.getDimList().stream().mapToLong(TensorShapeProto.Dim::getSize)
                .toArray();
    }

    private static long[] shape(Shape shape) {
        return shape.isUnknown() ? null : shape.asArray();
    }
}
