package io.lstmspark.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lstmspark.testing.TestModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
import org.tensorflow.types.TFloat32;

/** Models that reach outside themselves (files, processes, network) are refused before loading. */
class ModelSafetyTest {

    private static final List<String> SERVE = List.of("serve");

    @TempDir
    Path dir;

    /** The same, hidden in a function the graph calls, as TF2 models keep their logic. */
    private Path writeFileInFunction() throws IOException {
        Path model = dir.resolve("writes-file-in-function");
        try (ConcreteFunction leaky = ConcreteFunction.create(tf -> {
            Placeholder<TFloat32> in = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 2)));
            org.tensorflow.op.Op write = tf.withName("hidden_write").io.writeFile(tf.constant(dir.resolve("leak2").toString()),
                    tf.constant("data"));
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
        assertTrue(e.getMessage().contains("WriteFile (file) at graph node 'exfiltrate'")
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
        try (Stream<Path> models = Files.list(Path.of(System.getProperty("lstmspark.shared.models")))) {
            List<Path> savedModels = models.map(m -> m.resolve("saved_model")).filter(Files::isDirectory).toList();
            assertEquals(4, savedModels.size());
            for (Path model : savedModels) {
                assertEquals(List.of(), ModelSafety.scan(new ModelSource(model.toString(), SERVE)), model.toString());
            }
        }
    }
}
