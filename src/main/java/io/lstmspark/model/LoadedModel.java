package io.lstmspark.model;

import io.lstmspark.model.kerasfile.KerasFile;
import io.lstmspark.model.kerasfile.KerasGraph;
import io.lstmspark.model.kerasfile.KerasGraphBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Output;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.SavedModel;

/**
 * A model opened in this JVM: its graph, one session over it, and its signatures (none for a
 * frozen GraphDef). Closing it releases the session and the graph.
 */
public final class LoadedModel implements AutoCloseable {

    private static final java.util.Set<String> VARIABLE_OPS = java.util.Set.of("VarHandleOp", "VariableV2", "Variable");

    private final ModelSource source;
    private final SavedModelBundle bundle;
    private final Graph graph;
    private final Session session;
    private final Map<String, Signature> signatures;
    private final java.util.Set<GraphExtension> extensions = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final KerasGraph kerasGraph;

    private LoadedModel(ModelSource source, SavedModelBundle bundle, Graph graph, Session session,
                        Map<String, Signature> signatures) {
        this(source, bundle, graph, session, signatures, null);
    }

    private LoadedModel(ModelSource source, SavedModelBundle bundle, Graph graph, Session session,
                        Map<String, Signature> signatures, KerasGraph kerasGraph) {
        this.source = source;
        this.bundle = bundle;
        this.graph = graph;
        this.session = session;
        this.signatures = Collections.unmodifiableMap(signatures);
        this.kerasGraph = kerasGraph;
    }

    /** Opens the model with the given thread pools; failures name the path and what to check. */
    public static LoadedModel load(ModelSource source, SessionThreads threads) {
        ModelFormat format = source.format();
        if (format.isKerasFile()) {
            return loadKerasFile(source, threads);
        }
        return format == ModelFormat.SAVED_MODEL ? loadSavedModel(source, threads) : loadFrozenGraph(source, threads);
    }

    /**
     * A Keras .h5 or .keras file: its model built as TensorFlow ops from its config and weights, with
     * a serving_default signature as Keras' own export names it (outputs output_0, ... and by layer name).
     */
    private static LoadedModel loadKerasFile(ModelSource source, SessionThreads threads) {
        KerasFile file = KerasFile.read(source.localPath());
        Graph graph = new Graph();
        try {
            KerasGraph built = KerasGraphBuilder.build(file, graph, source.openSteps());
            Signature.Builder signature = Signature.builder().key(Signature.DEFAULT_KEY)
                    .input(built.inputKey(), graph.outputOrThrow(built.inputTensor()));
            built.outputs().forEach((key, tensor) -> signature.output(key, graph.outputOrThrow(tensor)));
            Session session = new Session(graph, threads.toConfigProto());
            return new LoadedModel(source, null, graph, session, Map.of(Signature.DEFAULT_KEY, signature.build()),
                    built);
        } catch (RuntimeException e) {
            graph.close();
            throw e;
        }
    }

    private static LoadedModel loadSavedModel(ModelSource source, SessionThreads threads) {
        Path dir = source.localPath();
        MetaGraphDef metaGraph = metaGraph(source);
        checkVariablesPresent(dir, metaGraph);
        SavedModelBundle bundle;
        try {
            bundle = SavedModelBundle.loader(dir.toString())
                    .withTags(source.tags().toArray(String[]::new))
                    .withConfigProto(threads.toConfigProto())
                    .load();
        } catch (TensorFlowException | IllegalArgumentException e) {
            // TensorFlow reports some failures as IllegalArgumentException (TFInvalidArgumentException).
            throw new ModelException("cannot load SavedModel " + dir + " (tags " + source.tags() + "): "
                    + firstLine(e.getMessage()), e);
        }
        try {
            CapturedVariables.restoreUninitialised(bundle.graph(), bundle.session(), metaGraph, dir);
        } catch (TensorFlowException e) {
            bundle.close();
            throw new ModelException("SavedModel " + dir + ": cannot restore the variables its functions read: "
                    + firstLine(e.getMessage()), e);
        }
        Map<String, Signature> signatures = new LinkedHashMap<>();
        for (Signature signature : bundle.signatures()) {
            signatures.put(signature.key(), signature);
        }
        return new LoadedModel(source, bundle, bundle.graph(), bundle.session(), signatures);
    }

    private static LoadedModel loadFrozenGraph(ModelSource source, SessionThreads threads) {
        Path file = source.localPath();
        GraphDef graphDef = readFrozenGraphProto(file);
        Graph graph = new Graph();
        try {
            graph.importGraphDef(graphDef);
            Session session = new Session(graph, threads.toConfigProto());
            return new LoadedModel(source, null, graph, session, Map.of());
        } catch (IllegalArgumentException | TensorFlowException e) {
            graph.close();
            throw new ModelException("cannot import frozen GraphDef " + file + ": " + firstLine(e.getMessage()), e);
        }
    }

    /** The meta graph a SavedModel holds under the source's tags, read from saved_model.pb. */
    static MetaGraphDef metaGraph(ModelSource source) {
        SavedModel savedModel = readSavedModelProto(source.localPath());
        return savedModel.getMetaGraphsList().stream()
                .filter(m -> sameTags(m.getMetaInfoDef().getTagsList(), source.tags()))
                .findFirst()
                .orElseThrow(() -> new ModelException("SavedModel " + source.path() + " has no meta graph tagged "
                        + source.tags() + "; it has " + tagSets(savedModel) + ": set model.tags to one of these"));
    }

    private static boolean sameTags(List<String> a, List<String> b) {
        return a.containsAll(b) && b.containsAll(a);
    }

    /**
     * TensorFlow loads a SavedModel whose checkpoint is missing without complaint and fails only when a
     * variable is read; say so at load time instead.
     */
    private static void checkVariablesPresent(Path dir, MetaGraphDef metaGraph) {
        long variables = metaGraph.getGraphDef().getNodeList().stream()
                .filter(node -> VARIABLE_OPS.contains(node.getOp()))
                .count();
        if (variables > 0 && !Files.isRegularFile(dir.resolve("variables").resolve("variables.index"))) {
            throw new ModelException("SavedModel " + dir + " has " + variables + " variables but no "
                    + "variables/variables.index: its variables folder is missing or incomplete; copy the whole "
                    + "SavedModel directory");
        }
    }

    /** The tag sets of the meta graphs a SavedModel holds. */
    static List<List<String>> tagSets(SavedModel savedModel) {
        return savedModel.getMetaGraphsList().stream()
                .map(MetaGraphDef::getMetaInfoDef)
                .map(info -> List.copyOf(info.getTagsList()))
                .collect(Collectors.toList());
    }

    /** The saved_model.pb of a SavedModel directory, read whatever its size. */
    public static SavedModel readSavedModelProto(Path savedModelDir) {
        Path pb = savedModelDir.resolve("saved_model.pb");
        try {
            return parseWhole(pb, SavedModel.parser());
        } catch (IOException e) {
            throw new ModelException("cannot parse " + pb + " as a SavedModel (" + e.getMessage()
                    + "): the file is damaged or is not a SavedModel", e);
        }
    }

    /** A frozen GraphDef file (weights as constants, often large), read whatever its size. */
    public static GraphDef readFrozenGraphProto(Path file) {
        GraphDef graph;
        try {
            graph = parseWhole(file, GraphDef.parser());
        } catch (IOException e) {
            throw new ModelException(ModelFormat.notAModel(file).getMessage() + ": " + e.getMessage(), e);
        }
        // Protobuf reads many byte strings as unknown fields; a GraphDef has nodes and no fields it does not know.
        if (graph.getNodeCount() == 0 || !graph.getUnknownFields().asMap().isEmpty()) {
            throw ModelFormat.notAModel(file);
        }
        return graph;
    }

    private static <T> T parseWhole(Path file, com.google.protobuf.Parser<T> parser) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            com.google.protobuf.CodedInputStream coded = com.google.protobuf.CodedInputStream.newInstance(in);
            coded.setSizeLimit(Integer.MAX_VALUE);
            return parser.parseFrom(coded);
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "(no message)";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    public ModelSource source() {
        return source;
    }

    public Graph graph() {
        return graph;
    }

    public Session session() {
        return session;
    }

    /** Signatures by key, in the order the model lists them. */
    public Map<String, Signature> signatures() {
        return signatures;
    }

    /** What lstm-spark built from a Keras file; empty for SavedModels and GraphDefs. */
    public Optional<KerasGraph> kerasGraph() {
        return Optional.ofNullable(kerasGraph);
    }

    /** The meta graph the model was loaded from; empty for a frozen GraphDef. */
    public Optional<MetaGraphDef> metaGraph() {
        return bundle == null ? Optional.empty() : Optional.of(bundle.metaGraphDef());
    }

    /**
     * Adds the extension's ops to the graph unless this model already has them: once per loaded model,
     * whichever task asks first. The session picks the new ops up on its next run.
     */
    public void extend(GraphExtension extension) {
        if (extensions.contains(extension)) {
            return;
        }
        synchronized (extensions) {
            if (!extensions.contains(extension)) {
                extension.addTo(graph);
                extensions.add(extension);
            }
        }
    }

    /**
     * Whether the graph computes LSTM gates in lstm-spark's kernel ({@value NativeGates#OP}): it has LSTM steps
     * lstm-spark built (state taps, a Keras file) and the kernel was loaded in this JVM.
     */
    public boolean usesGatesKernel() {
        Iterator<GraphOperation> ops = graph.operations();
        while (ops.hasNext()) {
            if (ops.next().type().equals(NativeGates.OP)) {
                return true;
            }
        }
        return false;
    }

    /** The {@code index}-th output of operation {@code opName} in the top-level graph, if any. */
    public Optional<Output<?>> graphTensor(String opName, int index) {
        GraphOperation op = graph.operation(opName);
        if (op == null || index < 0 || index >= op.numOutputs()) {
            return Optional.empty();
        }
        return Optional.of(op.output(index));
    }

    @Override
    public void close() {
        if (bundle != null) {
            bundle.close();
        } else {
            session.close();
            graph.close();
        }
    }
}
