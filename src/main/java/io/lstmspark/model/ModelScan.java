package io.lstmspark.model;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.CollectionDef;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.SaverDef;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;

/**
 * One pass over a model's graph for {@link ModelSafety}: which nodes and functions the job runs at
 * load, with the outputs, or never, and the ops among them it does not run without
 * {@code model.allow-ops}.
 */
final class ModelScan {

    private static final Set<String> CHECKPOINT_WRITES = Set.of("SaveV2", "Save", "SaveSlices", "MergeV2Checkpoints");
    /** Where the TensorFlow loader finds the ops it runs after the restore (loader.cc: GetInitOp). */
    private static final String INIT_OP_SIGNATURE = "__saved_model_init_op";
    private static final List<String> INIT_OP_COLLECTIONS = List.of("saved_model_main_op", "legacy_init_op");

    private static final String NOT_COMPUTE_ONLY = "not known to compute only";
    private static final String WRITES_AT_LOAD = "writes files, and runs when the model loads";
    private static final String WRITES = "writes files, and runs with the model's outputs";
    private static final String READS_OTHER_CHECKPOINT = "reads a checkpoint other than the model's own variables/";
    private static final String PRINTS_TO_FILE = "prints to a file";

    private final GraphWalk walk;
    private final SaverDef saver;
    /** The saver's restore op, which the loader runs with the saver's filename tensor fed. */
    private final List<String> restoreRoots = new ArrayList<>();
    /** The init ops the loader runs after the restore, with nothing but asset paths fed. */
    private final List<String> initRoots = new ArrayList<>();
    /** What the job fetches: signature tensors and the graph tensors it is configured with. */
    private final List<String> runRoots = new ArrayList<>();

    /** A frozen GraphDef: nothing runs at load; the job runs {@code graphTensors}. */
    ModelScan(GraphDef graph, Collection<String> graphTensors) {
        this(graph, null, graphTensors);
    }

    /** A SavedModel's meta graph: restore and init ops run at load, signatures and {@code graphTensors} after. */
    ModelScan(MetaGraphDef metaGraph, Collection<String> graphTensors) {
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

    private ModelScan(GraphDef graph, SaverDef saver, Collection<String> graphTensors) {
        this.walk = new GraphWalk(graph);
        this.saver = saver;
        runRoots.addAll(graphTensors);
    }

    List<ModelSafety.Finding> findings() {
        Set<String> atRestore = walk.closure(restoreRoots);
        Set<String> atInit = walk.closure(initRoots);
        Set<String> atLoad = new HashSet<>(atRestore);
        atLoad.addAll(atInit);
        Set<String> loadFunctions = walk.functionsCalledBy(atLoad);
        Set<String> initFunctions = walk.functionsCalledBy(atInit);
        Set<String> atRun = walk.closure(runRoots);
        Set<String> runFunctions = walk.functionsCalledBy(atRun);
        LoadTimeRestores restores = LoadTimeRestores.trace(walk, saver, atRestore);

        List<ModelSafety.Finding> findings = new ArrayList<>();
        // Init ops run with the filename tensor unfed: a restore they reach reads its default path.
        for (NodeDef node : walk.graph().getNodeList()) {
            String name = node.getName();
            check(node, "graph", runsWhen(atRun.contains(name), atLoad.contains(name)),
                    restores.readsOwnVariables(null, name) && !atInit.contains(name), findings);
        }
        for (String function : new TreeSet<>(walk.functionNames())) {
            Run run = runsWhen(runFunctions.contains(function), loadFunctions.contains(function));
            for (NodeDef node : walk.function(function).getNodeDefList()) {
                check(node, "function " + function, run, restores.readsOwnVariables(function, node.getName())
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
    private void check(NodeDef node, String where, Run run, boolean ownRestore, List<ModelSafety.Finding> findings) {
        String op = node.getOp();
        String risk = null;
        if (CHECKPOINT_WRITES.contains(op)) {
            risk = run == Run.WITH_OUTPUTS ? WRITES : run == Run.AT_LOAD ? WRITES_AT_LOAD : null;
        } else if (LoadTimeRestores.CHECKPOINT_READS.contains(op)) {
            risk = run == Run.WITH_OUTPUTS || (run == Run.AT_LOAD && !ownRestore) ? READS_OTHER_CHECKPOINT : null;
        } else if (op.equals("PrintV2")) {
            risk = printsToFile(node) ? PRINTS_TO_FILE : null;
        } else if (!ComputeOnlyOps.ALL.contains(op) && walk.function(op) == null) {
            risk = NOT_COMPUTE_ONLY;
        }
        if (risk != null) {
            findings.add(new ModelSafety.Finding(op, risk, node.getName(), where));
        }
    }

    private static boolean printsToFile(NodeDef node) {
        AttrValue stream = node.getAttrMap().get("output_stream");
        return stream != null && stream.getS().toStringUtf8().startsWith("file://");
    }
}
