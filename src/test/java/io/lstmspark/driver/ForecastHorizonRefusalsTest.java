package io.lstmspark.driver;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lstmspark.config.ConfigException;
import io.lstmspark.model.ModelException;
import io.lstmspark.testing.Jobs;
import io.lstmspark.testing.SharedModels;
import io.lstmspark.testing.TestSpark;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** forecast.horizon configurations the job refuses before any task runs, each with the message that says why. */
class ForecastHorizonRefusalsTest {

    private static final String MSFT = SharedModels.savedModel("msft_close_lstm").toString();
    private static final Path FIXTURES = Path.of("src/test/resources/fixtures/horizon");

    @TempDir
    static Path dir;

    private static String input;

    @BeforeAll
    static void writeInput() {
        List<Row> rows = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            Timestamp ts = Timestamp.from(Instant.parse("2026-03-01T00:00:00Z").plusSeconds(3600L * t));
            rows.add(RowFactory.create("s0", ts, 250.0 + t, 0.5 * t));
        }
        StructType schema = new StructType().add("id", DataTypes.StringType).add("ts", DataTypes.TimestampType)
                .add("close", DataTypes.DoubleType).add("x", DataTypes.DoubleType);
        input = dir.resolve("input").toString();
        TestSpark.session().createDataFrame(rows, schema).write().parquet(input);
    }

    private static String[] job(String features, String model, String outputs, String... more) {
        List<String> all = new ArrayList<>(List.of("input.path=" + input, "input.series-id=id", "input.timestamp=ts",
                "input.features=" + features, "mode=forecast", "model.path=" + model, "outputs=" + outputs,
                "output.path=" + dir.resolve("out")));
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    private static void assertRefused(Class<? extends Exception> type, String[] args, String... parts) {
        Exception e = assertThrows(type, () -> Jobs.run(null, args));
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "'" + part + "' in: " + e.getMessage());
        }
        assertTrue(!dir.resolve("out").toFile().exists(), "nothing written");
    }

    @Test
    void feedbackNamingAFeatureNotInTheInputIsRefused() {
        assertRefused(ConfigException.class, job("close", MSFT, "{y = dense_17}", "forecast.horizon=5",
                "forecast.feedback={price = y}"), "forecast.feedback.price", "not in input.features [close]");
    }

    @Test
    void feedbackNamingAColumnThatIsNotAnOutputIsRefused() {
        assertRefused(ConfigException.class, job("close", MSFT, "{y = dense_17}", "forecast.horizon=5",
                "forecast.feedback={close = forecast}"), "forecast.feedback.close = 'forecast' is not an output column",
                "outputs: y");
    }

    @Test
    void feedbackWithoutAHorizonIsRefused() {
        assertRefused(ConfigException.class, job("close", MSFT, "{y = dense_17}", "forecast.feedback={close = y}"),
                "forecast.feedback is set without forecast.horizon");
    }

    @Test
    void horizonOutsideForecastModeIsRefused() {
        assertRefused(ConfigException.class, job("close", MSFT, "{y = dense_17}", "forecast.horizon=5", "mode=extract"),
                "forecast.horizon is set but mode is extract");
    }

    @Test
    void horizonThatIsNotAPositiveWholeNumberIsRefused() {
        assertRefused(ConfigException.class, job("close", MSFT, "{y = dense_17}", "forecast.horizon=0"),
                "forecast.horizon is 0; it must be a whole number of steps, at least 1");
        assertRefused(ConfigException.class, job("close", MSFT, "{y = dense_17}", "forecast.horizon=2.5"),
                "forecast.horizon is 2.5");
    }

    @Test
    void oneStepModelWithoutFeedbackIsRefusedSuggestingIt() {
        assertRefused(ModelException.class, job("close", MSFT, "{y = dense_17}", "forecast.horizon=5"),
                "output 'y' (dense_17", "gives [1] per window: a one-step model",
                "set forecast.feedback", "forecast.feedback { close = y }");
    }

    @Test
    void outputWithNeitherNNorOneValuesIsRefusedNamingItsShape() {
        assertRefused(ModelException.class, job("close,x", FIXTURES.resolve("keras_direct").toString(),
                "{steps = output_0}", "forecast.horizon=3"),
                "output 'steps' (output_0", "gives [4] per window, neither 3 values", "nor 1");
    }

    @Test
    void feedbackOnADirectModelIsRefused() {
        assertRefused(ModelException.class, job("close,x", FIXTURES.resolve("keras_direct").toString(),
                "{steps = output_0}", "forecast.horizon=4", "forecast.feedback={close = steps}"),
                "output 'steps' (output_0", "gives [4] per window", "a direct model, drop forecast.feedback");
    }

    @Test
    void recursiveRunWithAnOutputOfSeveralValuesIsRefused() {
        assertRefused(ModelException.class, job("close", MSFT, "{y = dense_17, h = \"lstm:lstm_5.h\"}",
                "forecast.horizon=5", "forecast.feedback={close = y}"),
                "output 'h' (lstm:lstm_5.h", "gives [64] per window", "every output must give 1 value per window");
    }

    @Test
    void featuresNeitherFedBackNorAvailableAfterTheWindowAreRefusedByName() {
        assertRefused(ConfigException.class, job("close,x", FIXTURES.resolve("keras_covariate").toString(),
                "{next = output_0}", "forecast.horizon=3", "forecast.feedback={close = next}"),
                "needs the future values of features [x]", "no cutoff is set", "set forecast.cutoff, or feed them");
    }

    @Test
    void frequencyWithoutUnitForATimestampColumnIsRefused() {
        assertRefused(ConfigException.class, job("close", MSFT, "{y = dense_17}", "forecast.horizon=5",
                "forecast.feedback={close = y}", "forecast.frequency=60"),
                "forecast.frequency '60' needs a unit for input.timestamp 'ts' (timestamp)");
    }

    @Test
    void outputColumnNamedLikeAHorizonKeyColumnIsRefused() {
        assertRefused(ConfigException.class, job("close", MSFT, "{step = dense_17}", "forecast.horizon=5",
                "forecast.feedback={close = step}"), "outputs.step names column 'step'", "key column 'step'");
    }
}
