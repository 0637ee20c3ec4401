package io.lstmspark.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lstmspark.model.ModelException;
import io.lstmspark.model.ModelSource;
import io.lstmspark.testing.ModelArchive;
import io.lstmspark.testing.TestSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.SparkFiles;
import org.junit.jupiter.api.Test;

/** model.path is resolved in each JVM: as given when it exists, else where Spark unpacked --archives. */
class ModelLocationTest {

    private static final List<String> SERVE = List.of("serve");
    private static final Path ARCHIVES = Path.of("target", "test-archives");

    @Test
    void existingPathIsKeptAsGiven() {
        ModelSource given = new ModelSource("sample-data/model", SERVE);
        assertSame(given, ModelLocation.onThisJvm(given));
    }

    @Test
    void relativePathMissingHereIsFoundWhereSparkUnpackedTheArchiveOfThatName() throws IOException {
        String name = "archived-model-" + System.nanoTime();
        // Outside @TempDir: the shared session's tasks fetch every archive it was given, in later tests too.
        Path zip = ModelArchive.zip(Path.of("sample-data/model"),
                Files.createDirectories(ARCHIVES).resolve(name + ".zip"));
        TestSpark.session().sparkContext().addArchive(zip + "#" + name);

        ModelSource found = ModelLocation.onThisJvm(new ModelSource(name, SERVE));

        assertEquals(Path.of(SparkFiles.get(name)), found.localPath());
        assertTrue(Files.isRegularFile(found.localPath().resolve("saved_model.pb")), "unpacked: " + found.path());
        assertEquals(SERVE, found.tags());
    }

    @Test
    void missingModelIsNamedWithWhereItWasLookedForAndHowToShipIt() {
        ModelException e = assertThrows(ModelException.class,
                () -> ModelLocation.onThisJvm(new ModelSource("models/absent", SERVE)));
        assertTrue(e.getMessage().startsWith("model.path models/absent does not exist on the driver: not in its "
                + "working directory " + Path.of("").toAbsolutePath() + " nor among the files shipped with --archives"),
                e.getMessage());
        assertTrue(e.getMessage().endsWith("--archives model.zip#absent and model.path=absent"), e.getMessage());
    }
}
