package io.lstmspark.model;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;

/**
 * Lets through only models whose graph and function library hold operations known to compute and
 * nothing else ({@link ComputeOnlyOps}); every other op type (file readers and writers, processes, the
 * network, and whatever that list does not know) is refused by name unless the user lists it in
 * {@code model.allow-ops}.
 * Checked from the model's protobufs on the driver, before the model is loaded anywhere: a
 * SavedModel's restore and init ops run at load time.
 *
 * <p>Checkpoints are the one exception, kept as narrow as the loader needs: what runs at load (the
 * saver's restore op, the init ops, and the functions they call) may restore variables only from the
 * prefix the loader feeds (the saver's filename tensor, i.e. the model's own {@code variables/}) and
 * may write nothing; the saver's save subgraph, which the job never runs, may write checkpoints as
 * long as nothing else reaches it ({@link ModelScan} sorts the nodes by when they run,
 * {@link LoadTimeRestores} traces where the restores read from).
 */
public final class ModelSafety {

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
        if (source.format().isKerasFile()) {
            return List.of(); // lstm-spark builds its graph from the layers it knows, of ops that stay in memory
        }
        if (source.format() == ModelFormat.FROZEN_GRAPH) {
            return new ModelScan(LoadedModel.readFrozenGraphProto(source.localPath()), graphTensors).findings();
        }
        return new ModelScan(LoadedModel.metaGraph(source), graphTensors).findings();
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
        GraphWalk walk = new GraphWalk(graph);
        Set<String> nodes = walk.closure(tensors);
        Set<String> functions = walk.functionsCalledBy(nodes);
        return Stream.concat(nodes.stream().map(walk::node),
                        functions.stream().flatMap(f -> walk.function(f).getNodeDefList().stream()))
                .map(NodeDef::getOp).filter(ComputeOnlyOps.RANDOM::contains)
                .collect(Collectors.toCollection(TreeSet::new));
    }
}
