package io.lstmspark.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lstmspark.LstmSparkException;
import io.lstmspark.cli.Main;
import io.lstmspark.model.LoadedModel;
import io.lstmspark.model.ModelSource;
import io.lstmspark.model.SessionThreads;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Models that would read or write files, through ops the scan does not know or through the
 * SavedModel's restore, are refused by `run` before they are loaded, in one line that names the op,
 * its node and where it sits, and the model.allow-ops key; and a file that is no model is called so.
 */
class UntrustedModelsTest {

    private static final Path HOSTILE = Path.of("src/test/resources/hostile");

    @TempDir
    Path dir;

    private record Outcome(int exitCode, String err) {
    }

    private Outcome run(Path model) {
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setErr(new PrintWriter(err));
        cli.setOut(new PrintWriter(new StringWriter()));
        int exitCode = cli.execute("run", "conf/sample.conf", "model.path=" + model,
                "output.path=" + dir.resolve("out"));
        return new Outcome(exitCode, err.toString().strip());
    }

    private void assertRefused(Outcome outcome, String... mentions) {
        assertEquals(LstmSparkException.EXIT_CODE, outcome.exitCode(), outcome.err());
        String message = outcome.err().lines().findFirst().orElse("");
        assertTrue(outcome.err().lines().skip(1).allMatch(line -> line.startsWith("lstm-spark: the ")),
                "one line, then where the report and the trace went: " + outcome.err());
        for (String mention : mentions) {
            assertTrue(message.contains(mention), "'" + mention + "' in: " + message);
        }
        assertFalse(Files.exists(dir.resolve("out")), "nothing written");
    }

    /** The model's folder copied into the test's directory, as {@code dir/<name>/saved_model}. */
    private Path copy(String name) throws IOException {
        Path from = HOSTILE.resolve(name).resolve("saved_model");
        Path to = dir.resolve(name).resolve("saved_model");
        Files.createDirectories(to.getParent());
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.toList()) {
                Files.copy(file, to.resolve(from.relativize(file).toString()));
            }
        }
        return to;
    }

    private List<Path> filesUnder(Path root, String prefix) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(f -> f.getFileName().toString().startsWith(prefix)).toList();
        }
    }

    @Test
    void aTf1ModelWhoseRestoreRunsASaveV2IsRefusedAndWritesNothing() throws IOException {
        Path model = copy("tf1_restore_writes");
        assertRefused(run(model), model.toString(), "SaveV2 (writes files, and runs when the model loads) at graph"
                + " node 'SaveV2'", "model.allow-ops = [SaveV2, StaticRegexReplace]");
        assertEquals(List.of(), filesUnder(dir, "pwned_ckpt"), "the restore op never ran");
    }

    @Test
    void theTf1FixtureReallyWritesWhenLoadedWithoutTheScan() throws IOException {
        Path model = copy("tf1_restore_writes");
        try (LoadedModel loaded = LoadedModel.load(new ModelSource(model.toString(), List.of("serve")),
                new SessionThreads(1, 1))) {
            assertEquals(2, filesUnder(dir, "pwned_ckpt").size(), "index and data written by its restore op");
        }
    }

    @Test
    void aModelThatReadsFilesWithRecordInputIsRefused() throws IOException {
        Path model = copy("record_input");
        assertRefused(run(model), "RecordInput (not known to compute only) at function __inference_record_input_",
                "node 'RecordInput'", "model.allow-ops = [RecordInput]");
    }

    @Test
    void aModelWithDecodeProtoReadingADescriptorFileIsRefused() throws IOException {
        Path model = copy("decode_proto_file");
        assertRefused(run(model), "DecodeProtoV2 (not known to compute only) at function __inference_",
                "model.allow-ops = [DecodeProtoV2]");
    }

    @Test
    void aTextFileGivenAsModelPathIsNotAModelFile() throws IOException {
        for (String text : List.of("0\n", "\"notes\"\n", "")) {
            Path file = Files.writeString(dir.resolve("model.txt"), text);
            assertRefused(run(file), "not a model file: " + file
                    + " (expected a SavedModel directory, a Keras .h5 or .keras file, or a frozen GraphDef .pb)");
        }
    }
}
