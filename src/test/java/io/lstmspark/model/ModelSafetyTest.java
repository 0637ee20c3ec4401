package io.lstmspark.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lstmspark.sample.LstmWeights;
import io.lstmspark.sample.SampleModel;
import io.lstmspark.testing.SharedModels;
import io.lstmspark.testing.TestModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.ConcreteFunction;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.CollectionDef;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.FunctionDef;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.SavedModel;
import org.tensorflow.types.TFloat32;

/**
 * Only models whose ops are known to compute are let through, before loading; the SavedModel's own
 * checkpoint machinery may restore the model's own variables at load and write nothing.
 */
class ModelSafetyTest {

    private static final List<String> SERVE = List.of("serve");
    private static final Path RESOURCES = Path.of("src/test/resources");
    private static final Path HOSTILE = RESOURCES.resolve("hostile");

    /** The op types the bundled real models and fixtures use, as they are today: new ones show up here. */
    private static final Set<String> OP_TYPES_OF_BUNDLED_MODELS = Set.of(
            "Add", "AddN", "AddV2", "Assign", "AssignVariableOp", "BiasAdd", "Cast", "ConcatOffset", "ConcatV2",
            "Const", "CudnnRNN", "CudnnRNNBackprop", "DisableCopyOnRead", "Enter", "Exit", "ExpandDims", "Fill",
            "FloorMod", "GatherV2", "GreaterEqual", "Identity", "InvertPermutation", "Less", "LogicalAnd", "LoopCond",
            "MatMul", "Max", "Mean", "Merge", "MergeV2Checkpoints", "Mul", "NextIteration", "NoOp", "Pack",
            "PartitionedCall", "Placeholder", "PlaceholderWithDefault", "RandomUniform", "Range", "ReadVariableOp",
            "Relu", "Reshape", "RestoreV2", "SaveV2", "Select", "SelectV2", "Shape", "ShardedFilename", "Sigmoid",
            "Slice", "Split", "Squeeze", "StatefulPartitionedCall", "StatelessWhile", "StaticRegexFullMatch",
            "StridedSlice", "StridedSliceGrad", "StringJoin", "Sub", "Sum", "Switch", "Tanh", "TensorListFromTensor",
            "TensorListGetItem", "TensorListReserve", "TensorListSetItem", "TensorListStack", "Transpose", "Unpack",
            "VarHandleOp", "VarIsInitializedOp", "VariableV2", "While", "ZerosLike");

    @TempDir
    Path dir;

    /** The same, hidden in a function the graph calls, as TF2 models keep their logic. */
    private Path writeFileInFunction() throws IOException {
        Path model = dir.resolve("writes-file-in-function");
        try (ConcreteFunction leaky = ConcreteFunction.create(tf -> {
            Placeholder<TFloat32> in = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 2)));
            org.tensorflow.op.Op write = tf.withName("hidden_write").io.writeFile(
                    tf.constant(dir.resolve("leak2").toString()), tf.constant("data"));
            return Signature.builder().input("in", in)
                    .output("out", tf.withControlDependencies(List.of(write)).identity(in)).build();
        });
             Graph graph = new Graph(); Session session = new Session(graph)) {
            Ops tf = Ops.create(graph);
            Placeholder<TFloat32> x = tf.withName("x").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 2)));
            Operand<?> y = tf.call(leaky, x);
            SavedModelBundle.exporter(model.toString())
                    .withFunction(session.function(Signature.builder().input("x", x).output("y", y).build()))
                    .export();
        }
        return model;
    }

    @Test
    void writeFileInTheGraphIsRefusedWithItsNameAndTheKeyToAllowIt() throws IOException {
        ModelSource source = new ModelSource(TestModels.writesFile(dir).toString(), SERVE);
        ModelException e = assertThrows(ModelException.class, () -> ModelSafety.check(source, List.of()));
        assertTrue(e.getMessage().contains("WriteFile (not known to compute only) at graph node 'exfiltrate'")
                && e.getMessage().contains("model.allow-ops = [WriteFile]"), e.getMessage());
    }

    @Test
    void writeFileInsideAFunctionIsFoundToo() throws IOException {
        ModelSource source = new ModelSource(writeFileInFunction().toString(), SERVE);
        ModelException e = assertThrows(ModelException.class, () -> ModelSafety.check(source, List.of()));
        assertTrue(e.getMessage().contains("WriteFile") && e.getMessage().contains("at function "), e.getMessage());
    }

    @Test
    void allowedOpsPassAndAreReported() throws IOException {
        ModelSource source = new ModelSource(TestModels.writesFile(dir).toString(), SERVE);
        List<ModelSafety.Finding> allowed = ModelSafety.check(source, List.of("WriteFile"));
        assertEquals(List.of("WriteFile"), allowed.stream().map(ModelSafety.Finding::op).toList());
    }

    @Test
    void aTf1SavedModelsOwnSaveAndRestoreOpsAreNotRisks() {
        Path model = TestModels.savedModel(dir, 2, 3, 4, 1);
        assertEquals(List.of(), ModelSafety.scan(new ModelSource(model.toString(), SERVE)));
    }

    @Test
    void realKerasModelsWithTheirCheckpointFunctionsPass() throws IOException {
        try (Stream<Path> models = Files.list(SharedModels.folder())) {
            List<Path> savedModels = models.map(m -> m.resolve("saved_model")).filter(Files::isDirectory).toList();
            assertEquals(4, savedModels.size());
            for (Path model : savedModels) {
                assertEquals(List.of(), ModelSafety.scan(new ModelSource(model.toString(), SERVE)), model.toString());
            }
        }
    }

    /** Every SavedModel (each meta graph) and frozen GraphDef the project's tests load, with its tags. */
    private List<ModelSource> bundledModels() throws IOException {
        List<ModelSource> models = new ArrayList<>();
        List<Path> roots = List.of(RESOURCES.resolve("models"), RESOURCES.resolve("fixtures"),
                RESOURCES.resolve("keras3-fixtures"), SharedModels.folder(), Path.of("sample-data"));
        for (Path root : roots) {
            try (Stream<Path> files = Files.walk(root)) {
                for (Path pb : files.filter(f -> f.getFileName().toString().equals("saved_model.pb")).toList()) {
                    for (List<String> tags : LoadedModel.tagSets(LoadedModel.readSavedModelProto(pb.getParent()))) {
                        models.add(new ModelSource(pb.getParent().toString(), tags));
                    }
                }
            }
        }
        LstmWeights weights = LstmWeights.random(2, 3, 7);
        SampleModel.exportStatefulSavedModel(weights, 4, dir.resolve("stateful"));
        SampleModel.exportFrozenGraph(weights, 4, dir.resolve("frozen.pb"));
        for (Path model : List.of(TestModels.savedModel(dir.resolve("sample"), 2, 3, 4, 1),
                TestModels.intInput(dir, 4, 2), TestModels.twoInputs(dir, 4, 2), dir.resolve("stateful"),
                dir.resolve("frozen.pb"))) {
            models.add(new ModelSource(model.toString(), SERVE));
        }
        return models;
    }

    @Test
    void noBundledRealModelOrTestModelIsRefused() throws IOException {
        List<ModelSource> models = bundledModels();
        assertTrue(models.size() >= 20, "models found: " + models);
        for (ModelSource model : models) {
            assertEquals(List.of(), ModelSafety.scan(model), model.toString());
        }
    }

    @Test
    void theBundledModelsUseTheseOpTypesAllOnTheList() throws IOException {
        Set<String> used = new TreeSet<>();
        for (ModelSource model : bundledModels()) {
            used.addAll(ModelSafety.opTypes(model.format() == ModelFormat.FROZEN_GRAPH
                    ? LoadedModel.readFrozenGraphProto(model.localPath())
                    : LoadedModel.metaGraph(model).getGraphDef()));
        }
        assertEquals(new TreeSet<>(OP_TYPES_OF_BUNDLED_MODELS), used);
    }

    private static ModelSafety.Finding onlyFinding(Path model, String op) {
        List<ModelSafety.Finding> found = ModelSafety.scan(new ModelSource(model.toString(), SERVE)).stream()
                .filter(f -> f.op().equals(op)).toList();
        assertEquals(1, found.size(), op + " in " + found);
        return found.get(0);
    }

    private static String refusal(Path model) {
        ModelSource source = new ModelSource(model.toString(), SERVE);
        return assertThrows(ModelException.class, () -> ModelSafety.check(source, List.of())).getMessage();
    }

    @Test
    void recordInputThatReadsFilesIntoTheOutputIsRefusedWithItsNodeAndFunction() {
        Path model = HOSTILE.resolve("record_input/saved_model");
        ModelSafety.Finding finding = onlyFinding(model, "RecordInput");
        assertEquals("not known to compute only", finding.risk());
        assertTrue(finding.where().startsWith("function __inference_"), finding.where());
        String message = refusal(model);
        assertTrue(message.contains("RecordInput (not known to compute only) at " + finding.where() + " node '"
                + finding.node() + "'") && message.contains("model.allow-ops = [RecordInput]"), message);
        assertEquals(List.of(finding), ModelSafety.scan(new ModelSource(model.toString(), SERVE)),
                "the bytes it reads are decoded by ops that only compute");
    }

    @Test
    void decodeProtoWithADescriptorFileIsRefused() {
        Path model = HOSTILE.resolve("decode_proto_file/saved_model");
        ModelSafety.Finding finding = onlyFinding(model, "DecodeProtoV2");
        assertTrue(finding.where().startsWith("function __inference_"), finding.where());
        assertTrue(refusal(model).contains("model.allow-ops = [DecodeProtoV2]"), refusal(model));
    }

    @Test
    void allowOpsLetsAnUnknownOpThroughAndReportsIt() {
        ModelSource source = new ModelSource(HOSTILE.resolve("record_input/saved_model").toString(), SERVE);
        assertEquals(List.of("RecordInput"),
                ModelSafety.check(source, List.of("RecordInput")).stream().map(ModelSafety.Finding::op).toList());
    }

    @Test
    void aSaveV2TheTf1RestoreOpRunsIsRefusedAsWritingAtLoad() {
        Path model = HOSTILE.resolve("tf1_restore_writes/saved_model");
        ModelSafety.Finding save = onlyFinding(model, "SaveV2");
        assertEquals(new ModelSafety.Finding("SaveV2", "writes files, and runs when the model loads", "SaveV2",
                "graph"), save);
        assertTrue(refusal(model).contains("SaveV2 (writes files, and runs when the model loads) at graph node "
                + "'SaveV2'"), refusal(model));
    }

    @Test
    void theSaversOwnSaveIsRefusedWhenAConfiguredGraphTensorRunsIt() {
        Path model = RESOURCES.resolve("fixtures/tf1_while_lstm/saved_model");
        ModelSource source = new ModelSource(model.toString(), SERVE);
        ModelException e = assertThrows(ModelException.class,
                () -> ModelSafety.check(source, List.of(), List.of("save/Identity:0")));
        assertTrue(e.getMessage().contains("SaveV2 (writes files, and runs with the model's outputs) at graph node "
                + "'save/SaveV2'"), e.getMessage());
    }

    @Test
    void randomOpsComputeOnlyAndPassTheScan() {
        assertEquals(List.of(), ModelSafety.scan(new ModelSource(HOSTILE.resolve("random_output/saved_model")
                .toString(), SERVE)));
    }

    /**
     * A copy of a real Keras 2 model's saved_model.pb whose restore function (what the saver's restore
     * op calls at load) {@code edit} changes.
     */
    private Path withRestoreFunction(String name, java.util.function.UnaryOperator<FunctionDef> edit)
            throws IOException {
        Path real = SharedModels.savedModel("msft_close_lstm");
        SavedModel savedModel = LoadedModel.readSavedModelProto(real);
        MetaGraphDef meta = savedModel.getMetaGraphs(0);
        GraphDef.Builder graph = meta.getGraphDef().toBuilder();
        List<FunctionDef> functions = graph.getLibrary().getFunctionList();
        int restore = java.util.stream.IntStream.range(0, functions.size())
                .filter(i -> functions.get(i).getSignature().getName().startsWith("__inference__traced_restore_"))
                .findFirst().orElseThrow();
        graph.getLibraryBuilder().setFunction(restore, edit.apply(functions.get(restore)));
        Path copy = Files.createDirectories(dir.resolve(name));
        Files.write(copy.resolve("saved_model.pb"), savedModel.toBuilder()
                .setMetaGraphs(0, meta.toBuilder().setGraphDef(graph)).build().toByteArray());
        return copy;
    }

    private static NodeDef restoreV2(FunctionDef function) {
        return function.getNodeDefList().stream().filter(n -> n.getOp().equals("RestoreV2")).findFirst().orElseThrow();
    }

    @Test
    void aTf2RestoreFunctionThatReadsAnotherCheckpointIsRefused() throws IOException {
        Path model = withRestoreFunction("restore-elsewhere", function -> {
            NodeDef restore = restoreV2(function);
            int index = function.getNodeDefList().indexOf(restore);
            NodeDef elsewhere = NodeDef.newBuilder().setName("elsewhere").setOp("Const")
                    .putAttr("dtype", AttrValue.newBuilder().setType(DataType.DT_STRING).build()).build();
            return function.toBuilder().addNodeDef(elsewhere)
                    .setNodeDef(index, restore.toBuilder().setInput(0, "elsewhere:output:0")).build();
        });
        String message = refusal(model);
        assertTrue(message.contains("RestoreV2 (reads a checkpoint other than the model's own variables/) at function"
                + " __inference__traced_restore_"), message);
    }

    @Test
    void aSaveV2InATf2RestoreFunctionIsRefusedAsWritingAtLoad() throws IOException {
        Path model = withRestoreFunction("restore-and-save", function -> {
            NodeDef restore = restoreV2(function);
            NodeDef save = NodeDef.newBuilder().setName("pwn").setOp("SaveV2")
                    .addAllInput(restore.getInputList().subList(0, 3)).addInput("file_prefix").build();
            return function.toBuilder().addNodeDef(save).build();
        });
        String message = refusal(model);
        assertTrue(message.contains("SaveV2 (writes files, and runs when the model loads) at function"
                + " __inference__traced_restore_") && message.contains("node 'pwn'"), message);
    }

    @Test
    void theRealRestoreFunctionReadsFromTheFedPrefixAndPasses() throws IOException {
        Path model = withRestoreFunction("unchanged", function -> function);
        assertEquals(List.of(), ModelSafety.scan(new ModelSource(model.toString(), SERVE)));
    }

    @Test
    void aRestoreAnInitOpRunsIsRefusedAsItsPrefixIsNotFedThen() throws IOException {
        Path real = RESOURCES.resolve("fixtures/tf1_while_lstm/saved_model");
        SavedModel savedModel = LoadedModel.readSavedModelProto(real);
        int serve = LoadedModel.tagSets(savedModel).indexOf(SERVE);
        MetaGraphDef meta = savedModel.getMetaGraphs(serve).toBuilder().putCollectionDef("saved_model_main_op",
                CollectionDef.newBuilder().setNodeList(CollectionDef.NodeList.newBuilder()
                        .addValue("save/restore_all")).build()).build();
        Path copy = Files.createDirectories(dir.resolve("init-restores"));
        Files.write(copy.resolve("saved_model.pb"), savedModel.toBuilder().setMetaGraphs(serve, meta).build()
                .toByteArray());
        String message = refusal(copy);
        assertTrue(message.contains("RestoreV2 (reads a checkpoint other than the model's own variables/) at graph"
                + " node 'save/RestoreV2'"), message);
    }
}
