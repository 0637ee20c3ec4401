package io.lstmspark.model;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.FunctionDef;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.SaverDef;

/**
 * Refuses models whose graph or function library holds operations that reach outside the model:
 * files, processes, the network. Checked from the model's protobufs on the driver, before the model
 * is loaded anywhere (a SavedModel's init ops run at load time).
 *
 * <p>The SavedModel's own checkpoint machinery (the saver's save and restore subgraphs and the
 * functions only they call) may read and write checkpoints; anything else may not, unless the user
 * lists the op type in {@code model.allow-ops}.
 */
public final class ModelSafety {

    private static final String FILE = "file";
    private static final String PROCESS = "process";
    private static final String NETWORK = "network";
    private static final String CHECKPOINT = "checkpoint file";

    /** Op types that touch the world outside the tensors, by what they touch. */
    private static final Map<String, String> RISKY = risky();

    private static Map<String, String> risky() {
        Map<String, String> ops = new HashMap<>();
        for (String op : List.of("ReadFile", "WriteFile", "MatchingFiles", "MatchingFilesDataset", "ImmutableConst",
                "FixedLengthRecordReader", "FixedLengthRecordReaderV2", "TextLineReader", "TextLineReaderV2",
                "TFRecordReader", "TFRecordReaderV2", "WholeFileReader", "WholeFileReaderV2", "LMDBReader",
                "TextLineDataset", "TFRecordDataset", "TFRecordDatasetV2", "FixedLengthRecordDataset",
                "FixedLengthRecordDatasetV2", "LMDBDataset", "ExperimentalLMDBDataset", "CSVDataset", "CSVDatasetV2",
                "ExperimentalCSVDataset", "DatasetToTFRecord", "ExperimentalDatasetToTFRecord", "SaveDataset",
                "SaveDatasetV2", "LoadDataset", "SnapshotDataset", "SnapshotDatasetV2", "CacheDataset",
                "CacheDatasetV2", "InitializeTableFromTextFile", "InitializeTableFromTextFileV2",
                "CreateSummaryFileWriter", "CreateSummaryDbWriter", "WriteSummary", "WriteScalarSummary",
                "WriteHistogramSummary", "WriteImageSummary", "WriteAudioSummary", "WriteGraphSummary",
                "WriteRawProtoSummary", "ImportEvent", "LoadAndRemapMatrix", "GenerateVocabRemapping",
                "DebugIdentity", "DebugIdentityV2", "DebugIdentityV3", "DebugNanCount", "DebugNumericSummary",
                "DebugNumericSummaryV2")) {
            ops.put(op, FILE);
        }
        for (String op : List.of("Save", "SaveV2", "SaveSlices", "Restore", "RestoreV2", "RestoreSlice",
                "MergeV2Checkpoints")) {
            ops.put(op, CHECKPOINT);
        }
        for (String op : List.of("PyFunc", "PyFuncStateless", "EagerPyFunc")) {
            ops.put(op, PROCESS);
        }
        for (String op : List.of("SqlDataset", "ExperimentalSqlDataset", "DataServiceDataset",
                "DataServiceDatasetV2", "DataServiceDatasetV3", "DataServiceDatasetV4", "RegisterDataset",
                "RegisterDatasetV2", "Rpc", "TryRpc", "RpcClient", "RpcServer", "RpcServerStart", "RpcCall")) {
            ops.put(op, NETWORK);
        }
        return Map.copyOf(ops);
    }

    /** One risky operation: its type, the node, and where it sits (top-level graph or a function). */
    public record Finding(String op, String risk, String node, String where) {
        @Override
        public String toString() {
            return op + " (" + risk + ") at " + where + " node '" + node + "'";
        }
    }

    private ModelSafety() {
    }

    /** Throws naming every risky op not in {@code allowedOps}; returns what was found but allowed. */
    public static List<Finding> check(ModelSource source, Collection<String> allowedOps) {
        List<Finding> findings = scan(source);
        List<Finding> refused = findings.stream().filter(f -> !allowedOps.contains(f.op())).toList();
        if (!refused.isEmpty()) {
            String ops = refused.stream().map(Finding::op).distinct().sorted().collect(Collectors.joining(", "));
            throw new ModelException("model " + source.path() + " holds operations that reach outside the model: "
                    + refused.stream().limit(10).map(Finding::toString).collect(Collectors.joining("; "))
                    + (refused.size() > 10 ? "; and " + (refused.size() - 10) + " more" : "")
                    + ". lstm-spark refuses such models; if you trust this one, set model.allow-ops = [" + ops + "]");
        }
        return findings;
    }

    /** Every risky op of the model outside its checkpoint machinery. */
    public static List<Finding> scan(ModelSource source) {
        if (source.format().isKerasFile()) {
            return List.of(); // lstm-spark builds its graph from the layers it knows, of ops that stay in memory
        }
        if (source.format() == ModelFormat.FROZEN_GRAPH) {
            return scan(LoadedModel.readFrozenGraphProto(source.localPath()), Optional.empty());
        }
        MetaGraphDef metaGraph = LoadedModel.metaGraph(source);
        return scan(metaGraph.getGraphDef(),
                metaGraph.hasSaverDef() ? Optional.of(metaGraph.getSaverDef()) : Optional.empty());
    }

    static List<Finding> scan(GraphDef graph, Optional<SaverDef> saver) {
        Map<String, NodeDef> nodes = new HashMap<>();
        graph.getNodeList().forEach(node -> nodes.put(node.getName(), node));
        Map<String, FunctionDef> functions = new HashMap<>();
        graph.getLibrary().getFunctionList().forEach(f -> functions.put(f.getSignature().getName(), f));

        Set<String> saverNodes = new HashSet<>();
        if (saver.isPresent()) {
            collectInputs(nodes, List.of(saver.get().getRestoreOpName(), saver.get().getSaveTensorName()), saverNodes);
        }
        Set<String> modelFunctions = new HashSet<>();
        nodes.values().stream().filter(n -> !saverNodes.contains(n.getName()))
                .forEach(n -> collectFunctions(n, functions, modelFunctions));
        Set<String> saverFunctions = new HashSet<>();
        saverNodes.stream().map(nodes::get).filter(n -> n != null)
                .forEach(n -> collectFunctions(n, functions, saverFunctions));
        saverFunctions.removeAll(modelFunctions);
        // Functions nothing calls are scanned as the model's: they still ship with it.
        functions.keySet().stream().filter(f -> !saverFunctions.contains(f)).forEach(modelFunctions::add);

        List<Finding> findings = new ArrayList<>();
        for (NodeDef node : graph.getNodeList()) {
            check(node, "graph", saverNodes.contains(node.getName()), findings);
        }
        for (String name : new java.util.TreeSet<>(functions.keySet())) {
            for (NodeDef node : functions.get(name).getNodeDefList()) {
                check(node, "function " + name, saverFunctions.contains(name), findings);
            }
        }
        return findings;
    }

    private static void check(NodeDef node, String where, boolean checkpointMachinery, List<Finding> findings) {
        String risk = RISKY.get(node.getOp());
        if (risk == null && node.getOp().equals("PrintV2") && printsToFile(node)) {
            risk = FILE;
        }
        if (risk != null && !(checkpointMachinery && risk.equals(CHECKPOINT))) {
            findings.add(new Finding(node.getOp(), risk, node.getName(), where));
        }
    }

    private static boolean printsToFile(NodeDef node) {
        AttrValue stream = node.getAttrMap().get("output_stream");
        return stream != null && stream.getS().toStringUtf8().startsWith("file://");
    }

    /** Graph nodes the named nodes or tensors depend on, themselves included. */
    private static void collectInputs(Map<String, NodeDef> nodes, List<String> starts, Set<String> into) {
        Deque<String> pending = new ArrayDeque<>();
        starts.stream().filter(s -> !s.isEmpty()).map(ModelSafety::nodeName).forEach(pending::add);
        while (!pending.isEmpty()) {
            String name = pending.pop();
            NodeDef node = nodes.get(name);
            if (node != null && into.add(name)) {
                node.getInputList().stream().map(ModelSafety::nodeName).forEach(pending::add);
            }
        }
    }

    /** Functions a node calls, directly or through the functions it calls. */
    private static void collectFunctions(NodeDef node, Map<String, FunctionDef> functions, Set<String> into) {
        for (String callee : callees(node, functions)) {
            if (into.add(callee)) {
                for (NodeDef inner : functions.get(callee).getNodeDefList()) {
                    collectFunctions(inner, functions, into);
                }
            }
        }
    }

    private static Set<String> callees(NodeDef node, Map<String, FunctionDef> functions) {
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

    private static String nodeName(String input) {
        String name = input.startsWith("^") ? input.substring(1) : input;
        int colon = name.indexOf(':');
        return colon < 0 ? name : name.substring(0, colon);
    }
}
