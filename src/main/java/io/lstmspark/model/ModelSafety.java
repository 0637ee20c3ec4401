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
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.CollectionDef;
import org.tensorflow.proto.FunctionDef;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.SaverDef;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;

/**
 * Lets through only models whose graph and function library hold operations known to compute and
 * nothing else; every other op type (file readers and writers, processes, the network, and whatever
 * this list does not know) is refused by name unless the user lists it in {@code model.allow-ops}.
 * Checked from the model's protobufs on the driver, before the model is loaded anywhere: a
 * SavedModel's restore and init ops run at load time.
 *
 * <p>Checkpoints are the one exception, kept as narrow as the loader needs: what runs at load (the
 * saver's restore op, the init ops, and the functions they call) may restore variables only from the
 * prefix the loader feeds (the saver's filename tensor, i.e. the model's own {@code variables/}) and
 * may write nothing; the saver's save subgraph, which the job never runs, may write checkpoints as
 * long as nothing else reaches it.
 */
public final class ModelSafety {

    private static final String RANDOM_FAMILY =
            "random numbers (the job refuses models whose outputs they change, when it probes them)";

    /** Op types that only compute on tensors and the model's own variables, by family (the README lists them). */
    static final Map<String, List<String>> COMPUTE_ONLY = Map.of(
            "math", List.of("Abs", "Acos", "Acosh", "Add", "AddN", "AddV2", "All", "Any", "ApproximateEqual",
                    "ArgMax", "ArgMin", "Asin", "Asinh", "Atan", "Atan2", "Atanh", "BatchMatMul", "BatchMatMulV2",
                    "BatchMatMulV3", "Betainc", "Bucketize", "Cast", "Ceil", "ClipByValue", "Complex", "ComplexAbs",
                    "Conj", "Cos", "Cosh", "Cross", "Cumprod", "Cumsum", "CumulativeLogsumexp", "Digamma", "Div",
                    "DivNoNan", "Einsum", "Equal", "Erf", "Erfc", "Erfinv", "EuclideanNorm", "Exp", "Expm1",
                    "Floor", "FloorDiv", "FloorMod", "Greater", "GreaterEqual", "Imag", "Inv", "IsFinite", "IsInf",
                    "IsNan", "Less", "LessEqual", "Lgamma", "LinSpace", "Log", "Log1p", "LogicalAnd", "LogicalNot",
                    "LogicalOr", "MatMul", "MatrixBandPart", "MatrixDeterminant", "MatrixInverse", "Max",
                    "Maximum", "Mean", "Min", "Minimum", "Mod", "Mul", "MulNoNan", "Ndtri", "Neg", "NextAfter",
                    "NotEqual", "Pow", "Prod", "Range", "Real", "RealDiv", "Reciprocal", "Rint", "Round", "Rsqrt",
                    "SegmentMax", "SegmentMean", "SegmentMin", "SegmentProd", "SegmentSum", "Select", "SelectV2",
                    "Sigmoid", "Sign", "Sin", "Sinh", "Softplus", "Softsign", "Sqrt", "Square", "SquaredDifference",
                    "Sub", "Sum", "Tan", "Tanh", "TruncateDiv", "TruncateMod", "UnsortedSegmentMax",
                    "UnsortedSegmentMin", "UnsortedSegmentProd", "UnsortedSegmentSum", "Xdivy", "Xlog1py", "Xlogy"),
            "nn", List.of("AvgPool", "AvgPool3D", "BiasAdd", "BiasAddV1", "BlockLSTM", "BlockLSTMV2", "Conv2D",
                    "Conv3D", "CudnnRNN", "CudnnRNNBackprop", "CudnnRNNBackpropV2", "CudnnRNNBackpropV3",
                    "CudnnRNNCanonicalToParams", "CudnnRNNCanonicalToParamsV2", "CudnnRNNParamsSize",
                    "CudnnRNNParamsToCanonical", "CudnnRNNParamsToCanonicalV2", "CudnnRNNV2", "CudnnRNNV3",
                    "DepthwiseConv2dNative", "Elu", "FusedBatchNorm", "FusedBatchNormV2", "FusedBatchNormV3",
                    "GRUBlockCell", "InTopKV2", "L2Loss", "LRN", "LSTMBlockCell", "LeakyRelu", "LogSoftmax",
                    "MaxPool", "MaxPool3D", "MaxPoolV2", "Relu", "Relu6", "Selu", "Softmax", "TopKV2"),
            "gradients", List.of("BiasAddGrad", "BroadcastGradientArgs", "EluGrad", "LeakyReluGrad",
                    "ReciprocalGrad", "Relu6Grad", "ReluGrad", "RsqrtGrad", "SeluGrad", "SigmoidGrad",
                    "SoftplusGrad", "SoftsignGrad", "SqrtGrad", "StridedSliceGrad", "TanhGrad"),
            "array", List.of("BatchToSpaceND", "Bitcast", "BroadcastArgs", "BroadcastTo", "CheckNumerics",
                    "CheckNumericsV2", "Concat", "ConcatOffset", "ConcatV2", "Const", "DecodeRaw", "DepthToSpace",
                    "Diag", "DiagPart", "DynamicPartition", "DynamicStitch", "EnsureShape", "ExpandDims", "Fill",
                    "Gather", "GatherNd", "GatherV2", "Identity", "IdentityN", "InvertPermutation", "MatrixDiagPartV3",
                    "MatrixDiagV3", "MatrixSetDiagV3", "MirrorPad", "OneHot", "OnesLike", "Pack", "Pad", "PadV2",
                    "Placeholder", "PlaceholderV2", "PlaceholderWithDefault", "PreventGradient", "Rank", "Reshape",
                    "Reverse", "ReverseSequence", "ReverseV2", "ScatterNd", "Shape", "ShapeN", "Size", "Slice",
                    "Snapshot", "SpaceToBatchND", "SpaceToDepth", "Split", "SplitV", "Squeeze", "StopGradient",
                    "StridedSlice", "TensorScatterAdd", "TensorScatterMax", "TensorScatterMin", "TensorScatterSub",
                    "TensorScatterUpdate", "Tile", "Transpose", "Unique", "Unpack", "Where", "ZerosLike"),
            "strings (the names the saver builds)", List.of("ShardedFilename", "ShardedFilespec",
                    "StaticRegexFullMatch", "StringJoin"),
            "control flow", List.of("Assert", "Case", "ControlTrigger", "EmptyTensorList", "Enter", "Exit", "If",
                    "LoopCond", "Merge", "NextIteration", "NoOp", "PartitionedCall", "RefEnter", "RefExit",
                    "RefMerge", "RefNextIteration", "RefSwitch", "StatefulPartitionedCall", "StatelessCase",
                    "StatelessIf", "StatelessWhile", "Switch", "TensorArrayCloseV3", "TensorArrayConcatV3",
                    "TensorArrayGatherV3", "TensorArrayGradV3", "TensorArrayReadV3", "TensorArrayScatterV3",
                    "TensorArraySizeV3", "TensorArraySplitV3", "TensorArrayV3", "TensorArrayWriteV3",
                    "TensorListConcatV2", "TensorListElementShape", "TensorListFromTensor", "TensorListGather",
                    "TensorListGetItem", "TensorListLength", "TensorListPopBack", "TensorListPushBack",
                    "TensorListReserve", "TensorListResize", "TensorListScatter", "TensorListScatterV2",
                    "TensorListSetItem", "TensorListSplit", "TensorListStack", "While"),
            "variables", List.of("Assign", "AssignAdd", "AssignAddVariableOp", "AssignSub", "AssignSubVariableOp",
                    "AssignVariableOp", "DestroyResourceOp", "DisableCopyOnRead", "IsVariableInitialized",
                    "ReadVariableOp", "ResourceGather", "ResourceGatherNd", "VarHandleOp", "VarIsInitializedOp",
                    "Variable", "VariableShape", "VariableV2"),
            RANDOM_FAMILY, List.of("Multinomial", "ParameterizedTruncatedNormal", "RandomGamma", "RandomPoisson",
                    "RandomPoissonV2",
                    "RandomShuffle", "RandomStandardNormal", "RandomUniform", "RandomUniformInt", "RngReadAndSkip",
                    "RngSkip", "StatefulRandomBinomial", "StatefulStandardNormal", "StatefulStandardNormalV2",
                    "StatefulTruncatedNormal", "StatefulUniform", "StatefulUniformFullInt", "StatefulUniformInt",
                    "StatelessMultinomial", "StatelessRandomGetAlg", "StatelessRandomGetKeyCounter",
                    "StatelessRandomGetKeyCounterAlg", "StatelessRandomNormal", "StatelessRandomNormalV2",
                    "StatelessRandomUniform", "StatelessRandomUniformFullInt", "StatelessRandomUniformFullIntV2",
                    "StatelessRandomUniformInt", "StatelessRandomUniformIntV2", "StatelessRandomUniformV2",
                    "StatelessTruncatedNormal", "StatelessTruncatedNormalV2", "TruncatedNormal"));

    /** Op types that draw random numbers: a model that runs one may answer the same windows differently. */
    public static final Set<String> RANDOM = Set.copyOf(COMPUTE_ONLY.get(RANDOM_FAMILY));

    private static final Set<String> ALLOWED = COMPUTE_ONLY.values().stream().flatMap(List::stream)
            .collect(Collectors.toUnmodifiableSet());
    private static final Set<String> CHECKPOINT_READS = Set.of("RestoreV2", "Restore", "RestoreSlice");
    private static final Set<String> CHECKPOINT_WRITES = Set.of("SaveV2", "Save", "SaveSlices", "MergeV2Checkpoints");
    /** Call ops whose data inputs are the called function's arguments, in order. */
    private static final Set<String> CALLS = Set.of("PartitionedCall", "StatefulPartitionedCall");
    /** Where the TensorFlow loader finds the ops it runs after the restore (loader.cc: GetInitOp). */
    private static final String INIT_OP_SIGNATURE = "__saved_model_init_op";
    private static final List<String> INIT_OP_COLLECTIONS = List.of("saved_model_main_op", "legacy_init_op");

    private static final String NOT_COMPUTE_ONLY = "not known to compute only";
    private static final String WRITES_AT_LOAD = "writes files, and runs when the model loads";
    private static final String WRITES = "writes files, and runs with the model's outputs";
    private static final String READS_OTHER_CHECKPOINT = "reads a checkpoint other than the model's own variables/";
    private static final String PRINTS_TO_FILE = "prints to a file";

    /** One op the job does not run unless allowed: its type, why, the node, and where it sits. */
    public record Finding(String op, String risk, String node, String where) {
        @Override
        public String toString() {
            return op + " (" + risk + ") at " + where + " node '" + node + "'";
        }
    }

    private ModelSafety() {
    }

    /** Throws naming every refused op not in {@code allowedOps}; returns what was found but allowed. */
    public static List<Finding> check(ModelSource source, Collection<String> allowedOps) {
        return check(source, allowedOps, List.of());
    }

    /**
     * As {@link #check(ModelSource, Collection)}, for a job that also fetches {@code graphTensors}
     * (op:N names from its configuration): what they reach runs too.
     */
    public static List<Finding> check(ModelSource source, Collection<String> allowedOps,
                                      Collection<String> graphTensors) {
        List<Finding> findings = scan(source, graphTensors);
        List<Finding> refused = findings.stream().filter(f -> !allowedOps.contains(f.op())).toList();
        if (!refused.isEmpty()) {
            String ops = refused.stream().map(Finding::op).distinct().sorted().collect(Collectors.joining(", "));
            throw new ModelException("model " + source.path() + " holds operations lstm-spark does not run: "
                    + refused.stream().limit(10).map(Finding::toString).collect(Collectors.joining("; "))
                    + (refused.size() > 10 ? "; and " + (refused.size() - 10) + " more" : "")
                    + ". lstm-spark runs only ops known to compute (math, nn, array, control flow, variables, the"
                    + " SavedModel's own restore), as they cannot read or write files, start processes or reach"
                    + " the network; if you trust this model, set model.allow-ops = [" + ops + "]");
        }
        return findings;
    }

    /** Every op of the model the job does not run without {@code model.allow-ops}. */
    public static List<Finding> scan(ModelSource source) {
        return scan(source, List.of());
    }

    private static List<Finding> scan(ModelSource source, Collection<String> graphTensors) {
        if (source.format() == ModelFormat.FROZEN_GRAPH) {
            return new Scan(LoadedModel.readFrozenGraphProto(source.localPath()), null, graphTensors).findings();
        }
        return new Scan(LoadedModel.metaGraph(source), graphTensors).findings();
    }

    /** The op types of the graph and its functions, for telling which ops a model uses. */
    static Set<String> opTypes(GraphDef graph) {
        Set<String> functions = graph.getLibrary().getFunctionList().stream().map(f -> f.getSignature().getName())
                .collect(Collectors.toSet());
        return Stream.concat(graph.getNodeList().stream(),
                        graph.getLibrary().getFunctionList().stream().flatMap(f -> f.getNodeDefList().stream()))
                .map(NodeDef::getOp).filter(op -> !functions.contains(op))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /**
     * The random op types the given graph tensors run, directly or in the functions they call: the
     * reason two runs of the same windows may differ.
     */
    public static Set<String> randomOpsBehind(GraphDef graph, Collection<String> tensors) {
        Scan scan = new Scan(graph, null, List.of());
        Set<String> nodes = scan.closure(tensors);
        Set<String> functions = scan.functionsCalledBy(nodes);
        return Stream.concat(nodes.stream().map(scan.nodes::get),
                        functions.stream().flatMap(f -> scan.functions.get(f).getNodeDefList().stream()))
                .map(NodeDef::getOp).filter(RANDOM::contains).collect(Collectors.toCollection(TreeSet::new));
    }

    /** One pass over a graph: which nodes and functions the job runs at load, with the outputs, or never. */
    private static final class Scan {
        private final GraphDef graph;
        private final SaverDef saver;
        private final Map<String, NodeDef> nodes = new HashMap<>();
        private final Map<String, FunctionDef> functions = new HashMap<>();
        /** The saver's restore op, which the loader runs with the saver's filename tensor fed. */
        private final List<String> restoreRoots = new ArrayList<>();
        /** The init ops the loader runs after the restore, with nothing but asset paths fed. */
        private final List<String> initRoots = new ArrayList<>();
        /** What the job fetches: signature tensors and the graph tensors it is configured with. */
        private final List<String> runRoots = new ArrayList<>();

        Scan(GraphDef graph, SaverDef saver, Collection<String> graphTensors) {
            this.graph = graph;
            this.saver = saver;
            graph.getNodeList().forEach(node -> nodes.put(node.getName(), node));
            graph.getLibrary().getFunctionList().forEach(f -> functions.put(f.getSignature().getName(), f));
            runRoots.addAll(graphTensors);
        }

        Scan(MetaGraphDef metaGraph, Collection<String> graphTensors) {
            this(metaGraph.getGraphDef(), metaGraph.hasSaverDef() ? metaGraph.getSaverDef() : null, graphTensors);
            if (saver != null) {
                restoreRoots.add(saver.getRestoreOpName());
            }
            SignatureDef init = metaGraph.getSignatureDefMap().get(INIT_OP_SIGNATURE);
            if (init != null) {
                init.getOutputsMap().values().stream().map(TensorInfo::getName).forEach(initRoots::add);
            }
            for (String collection : INIT_OP_COLLECTIONS) {
                CollectionDef ops = metaGraph.getCollectionDefMap().get(collection);
                if (ops != null) {
                    initRoots.addAll(ops.getNodeList().getValueList());
                }
            }
            metaGraph.getSignatureDefMap().values().forEach(signature -> Stream.concat(
                            signature.getInputsMap().values().stream(), signature.getOutputsMap().values().stream())
                    .map(TensorInfo::getName).forEach(runRoots::add));
        }

        List<Finding> findings() {
            Set<String> atRestore = closure(restoreRoots);
            Set<String> atInit = closure(initRoots);
            Set<String> atLoad = new HashSet<>(atRestore);
            atLoad.addAll(atInit);
            Set<String> loadFunctions = functionsCalledBy(atLoad);
            Set<String> initFunctions = functionsCalledBy(atInit);
            Set<String> atRun = closure(runRoots);
            Set<String> runFunctions = functionsCalledBy(atRun);
            Set<String> ownRestores = new HashSet<>();
            Set<String> otherRestores = new HashSet<>();
            tracedRestores(atRestore, ownRestores, otherRestores);
            ownRestores.removeAll(otherRestores);

            List<Finding> findings = new ArrayList<>();
            // Init ops run with the filename tensor unfed: a restore they reach reads its default path.
            for (NodeDef node : graph.getNodeList()) {
                String name = node.getName();
                check(node, "graph", runsWhen(atRun.contains(name), atLoad.contains(name)),
                        ownRestores.contains(restoreKey(null, name)) && !atInit.contains(name), findings);
            }
            for (String function : new TreeSet<>(functions.keySet())) {
                Run run = runsWhen(runFunctions.contains(function), loadFunctions.contains(function));
                for (NodeDef node : functions.get(function).getNodeDefList()) {
                    check(node, "function " + function, run, ownRestores.contains(restoreKey(function, node.getName()))
                            && !initFunctions.contains(function), findings);
                }
            }
            return findings;
        }

        /** When the job runs a node: with the model's outputs, only when the model loads, or never. */
        private enum Run { WITH_OUTPUTS, AT_LOAD, NEVER }

        private static Run runsWhen(boolean withOutputs, boolean atLoad) {
            return withOutputs ? Run.WITH_OUTPUTS : atLoad ? Run.AT_LOAD : Run.NEVER;
        }

        /**
         * Checkpoint ops the job never runs (the saver's save, the saver of another meta graph) are let
         * through, as every SavedModel has them; at load, restores may read only the model's own
         * variables and nothing may write. Every other op must be known to compute only, wherever it is.
         */
        private void check(NodeDef node, String where, Run run, boolean ownRestore, List<Finding> findings) {
            String op = node.getOp();
            String risk = null;
            if (CHECKPOINT_WRITES.contains(op)) {
                risk = run == Run.WITH_OUTPUTS ? WRITES : run == Run.AT_LOAD ? WRITES_AT_LOAD : null;
            } else if (CHECKPOINT_READS.contains(op)) {
                risk = run == Run.WITH_OUTPUTS || (run == Run.AT_LOAD && !ownRestore) ? READS_OTHER_CHECKPOINT : null;
            } else if (op.equals("PrintV2")) {
                risk = printsToFile(node) ? PRINTS_TO_FILE : null;
            } else if (!ALLOWED.contains(op) && !functions.containsKey(op)) {
                risk = NOT_COMPUTE_ONLY;
            }
            if (risk != null) {
                findings.add(new Finding(op, risk, node.getName(), where));
            }
        }

        /**
         * Sorts the restore ops the saver's restore op runs by where their checkpoint prefix comes from:
         * the saver's filename tensor, which the loader feeds with the model's own variables path, or
         * anything else. Follows function calls whose arguments map to the call's inputs; restores in
         * functions called deeper than {@link #MAX_CALL_DEPTH} stay unproven, and so refused.
         */
        private void tracedRestores(Set<String> atRestore, Set<String> fromOwnVariables, Set<String> fromElsewhere) {
            if (saver == null) {
                return;
            }
            for (String name : atRestore) {
                NodeDef node = nodes.get(name);
                if (CHECKPOINT_READS.contains(node.getOp())) {
                    boolean own = !node.getInputList().isEmpty() && isFilenameTensor(node.getInput(0), null);
                    (own ? fromOwnVariables : fromElsewhere).add(restoreKey(null, name));
                }
                visitCalls(node, null, fromOwnVariables, fromElsewhere, 0);
            }
        }

        /** A function body as run from one call node; {@code caller} is null at the top-level graph. */
        private record CallSite(FunctionDef function, Map<String, NodeDef> body, NodeDef call, CallSite caller) {
        }

        private static final int MAX_CALL_DEPTH = 16;

        private void visitCalls(NodeDef node, CallSite at, Set<String> fromOwnVariables, Set<String> fromElsewhere,
                                int depth) {
            for (String callee : callees(node)) {
                FunctionDef function = functions.get(callee);
                boolean argumentsAreInputs = CALLS.contains(node.getOp()) || node.getOp().equals(callee);
                CallSite site = new CallSite(function, function.getNodeDefList().stream()
                        .collect(Collectors.toMap(NodeDef::getName, n -> n, (a, b) -> a)),
                        argumentsAreInputs ? node : null, at);
                for (NodeDef inner : function.getNodeDefList()) {
                    if (CHECKPOINT_READS.contains(inner.getOp())) {
                        boolean own = site.call() != null && !inner.getInputList().isEmpty()
                                && isFilenameTensor(inner.getInput(0), site);
                        (own ? fromOwnVariables : fromElsewhere).add(restoreKey(callee, inner.getName()));
                    }
                    if (depth < MAX_CALL_DEPTH) {
                        visitCalls(inner, site, fromOwnVariables, fromElsewhere, depth + 1);
                    }
                }
            }
        }

        /** Whether {@code input}, read at {@code at}, is the saver's filename tensor, maybe through Identity ops. */
        private boolean isFilenameTensor(String input, CallSite at) {
            if (input.startsWith("^")) {
                return false;
            }
            String name = nodeName(input);
            if (at == null) {
                if ((input.contains(":") ? input : input + ":0").equals(saver.getFilenameTensorName())) {
                    return true;
                }
                NodeDef node = nodes.get(name);
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

        private static String restoreKey(String function, String node) {
            return (function == null ? "" : function) + "/" + node;
        }

        /** Graph nodes the named nodes or tensors depend on, themselves included. */
        Set<String> closure(Collection<String> starts) {
            Set<String> into = new HashSet<>();
            Deque<String> pending = new ArrayDeque<>();
            starts.stream().filter(s -> !s.isEmpty()).map(ModelSafety::nodeName).forEach(pending::add);
            while (!pending.isEmpty()) {
                String name = pending.pop();
                NodeDef node = nodes.get(name);
                if (node != null && into.add(name)) {
                    node.getInputList().stream().map(ModelSafety::nodeName).forEach(pending::add);
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

        private Set<String> callees(NodeDef node) {
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
    }

    private static boolean printsToFile(NodeDef node) {
        AttrValue stream = node.getAttrMap().get("output_stream");
        return stream != null && stream.getS().toStringUtf8().startsWith("file://");
    }

    private static String nodeName(String input) {
        String name = input.startsWith("^") ? input.substring(1) : input;
        int colon = name.indexOf(':');
        return colon < 0 ? name : name.substring(0, colon);
    }
}
