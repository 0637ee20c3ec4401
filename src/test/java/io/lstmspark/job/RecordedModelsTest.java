package io.lstmspark.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lstmspark.output.RunReport;
import io.lstmspark.testing.Jobs;
import io.lstmspark.testing.RecordedModel;
import io.lstmspark.testing.Rows;
import io.lstmspark.testing.TestSpark;
import io.lstmspark.testing.Tolerance;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Models as Keras and TensorFlow wrote them: the real public models (system property
 * {@code lstmspark.shared.models}) and the TensorFlow-made fixtures (src/test/resources/fixtures) run
 * through the job, and every output they record equals TensorFlow's own numbers for the same windows.
 * The window length is left for the job to take from the model.
 */
class RecordedModelsTest {

    private static final double TOLERANCE = 1e-4;

    @TempDir
    static Path dir;

    static Stream<Arguments> models() {
        Path shared = Path.of(System.getProperty("lstmspark.shared.models"));
        return RecordedModel.under(shared, Path.of("src/test/resources/fixtures")).stream()
                .map(path -> Arguments.of(path.getFileName().toString(), path));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void jobWritesTensorFlowsRecordedOutputs(String name, Path directory) throws Exception {
        RecordedModel model = RecordedModel.read(directory);
        Path work = Files.createDirectories(dir.resolve(name));
        List<Row> rows = run(model, model.savedModel(), work);

        assertEquals(model.windows(), rows.size(), "one window per recorded input");
        for (Row row : rows) {
            int w = Integer.parseInt(row.<String>getAs("series_id").substring(1));
            for (String column : model.outputColumns().keySet()) {
                Tolerance.assertAllClose(model.expected(column, w), Rows.values(row, column), TOLERANCE,
                        name + " window " + w + " " + column);
            }
        }
    }

    static List<Row> run(RecordedModel model, Path savedModel, Path work) {
        List<String> args = new ArrayList<>(List.of(
                "input.path=" + model.writeInput(work),
                "input.series-id=id",
                "input.timestamp=ts",
                "input.features=[" + String.join(", ", model.featureColumns()) + "]",
                "model.path=" + savedModel,
                "model.signature=" + model.signature(),
                "output.path=" + work.resolve("out")));
        model.outputColumns().forEach((column, ref) -> args.add("outputs." + column + "=" + ref));
        RunReport report = Jobs.run(null, args.toArray(String[]::new));
        assertEquals(model.length() * model.features(),
                java.util.Arrays.stream(report.model().inputWindowShape()).reduce(1, Math::multiplyExact),
                "window length taken from the model");
        Dataset<Row> written = TestSpark.session().read().parquet(work.resolve("out").toString());
        return written.collectAsList();
    }
}
