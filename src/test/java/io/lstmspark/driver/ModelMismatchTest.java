package io.lstmspark.driver;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lstmspark.model.ModelException;
import io.lstmspark.testing.Jobs;
import io.lstmspark.testing.SharedModels;
import io.lstmspark.testing.TestData;
import io.lstmspark.testing.TestModels;
import io.lstmspark.testing.TestSpark;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model that cannot take the configured windows, or a name it does not have, is refused on the
 * driver before any task runs, by a message naming the model, the signature or tensor, the shapes
 * on both sides, and the configuration key to change.
 */
class ModelMismatchTest {

    private static final int LENGTH = 6;

    @TempDir
    static Path dir;

    private static String input;
    private static String model;

    @BeforeAll
    static void modelAndData() {
        input = TestData.writeParquet(dir, TestData.rows(10, 8), TestData.SCHEMA);
        model = TestModels.savedModel(dir.resolve("sample"), 2, 3, LENGTH, 5).toString();
    }

    /**
     * Runs the job and returns the message of the ModelException it throws on the driver, having
     * checked that it started no more tasks than Spark takes to read the input's Parquet schema.
     */
    private static String refused(String modelPath, String... overrides) throws Exception {
        List<String> args = new ArrayList<>(List.of("input.path=" + input, "input.series-id=id", "input.timestamp=ts",
                "input.features=[x0, x1]", "model.path=" + modelPath, "outputs.h=hidden_state",
                "output.path=" + dir.resolve("out")));
        args.addAll(Arrays.asList(overrides));
        SparkContext spark = TestSpark.session().sparkContext();
        AtomicInteger tasks = new AtomicInteger();
        SparkListener counter = new SparkListener() {
            @Override
            public void onTaskStart(SparkListenerTaskStart taskStart) {
                tasks.incrementAndGet();
            }
        };
        spark.addSparkListener(counter);
        ModelException e;
        int schemaTasks;
        try {
            TestSpark.session().read().parquet(input).schema();
            spark.listenerBus().waitUntilEmpty();
            schemaTasks = tasks.getAndSet(0);
            e = assertThrows(ModelException.class, () -> Jobs.run(null, args.toArray(String[]::new)));
            spark.listenerBus().waitUntilEmpty();
        } finally {
            spark.removeSparkListener(counter);
        }
        assertTrue(tasks.get() <= schemaTasks, "no task beyond reading the input's schema ran before the refusal ("
                + tasks.get() + " tasks, " + schemaTasks + " to read the schema): " + e.getMessage());
        return e.getMessage();
    }

    private static void assertMentions(String message, String... parts) {
        for (String part : parts) {
            assertTrue(message.contains(part), "'" + part + "' in: " + message);
        }
    }

    @Test
    void windowLengthTheModelDoesNotTakeNamesBothShapesAndWindowLength() throws Exception {
        assertMentions(refused(model, "window.length=5"), model, "signature 'serving_default' input 'sequences'",
                "float32 [-1, 6, 2]", "[batch, 5, 2]", "set window.length = 6");
    }

    @Test
    void featureCountTheModelDoesNotTakeNamesBothShapesAndInputFeatures() throws Exception {
        assertMentions(refused(model, "input.features=[x0]"), model, "input 'sequences'", "float32 [-1, 6, 2]",
                "[batch, 6, 1]", "the model takes 2 features per step", "input.features");
    }

    @Test
    void realKerasModelNamesItsOwnTensorWhenFeaturesDoNotFit() throws Exception {
        String msft = SharedModels.savedModel("msft_close_lstm").toString();
        assertMentions(refused(msft, "outputs={ close = dense_17 }"), msft,
                "signature 'serving_default' input 'input_6' (serving_default_input_6:0)", "float32 [-1, 5, 1]",
                "[batch, 5, 2]", "the model takes 1 features per step", "input.features");
    }

    @Test
    void flatInputOfAnotherSizeNamesTheWindowLengthThatFits() throws Exception {
        String flat = Path.of("src/test/resources/fixtures/keras_flat_input/saved_model").toString();
        assertMentions(refused(flat, "window.length=5", "outputs={ y = output_0 }"), flat, "float32 [-1, 12]",
                "[batch, 5, 2]", "set window.length = 6");
    }

    @Test
    void inputThatIsNotFloatNamesItsTypeAndModelInput() throws Exception {
        String ints = TestModels.intInput(dir, LENGTH, 2).toString();
        assertMentions(refused(ints, "outputs={ total = total }"), ints, "input 'counts'", "int32 [-1, 6, 2]",
                "float32 or float64", "model.input");
    }

    @Test
    void unknownSignatureListsTheModelsSignatures() throws Exception {
        assertMentions(refused(model, "model.signature=predict"), model, "no signature 'predict'",
                "[serving_default]", "model.signature");
    }

    @Test
    void unknownOutputKeyListsTheSignaturesOutputsWithShapes() throws Exception {
        assertMentions(refused(model, "outputs.h=hidden"), model, "signature 'serving_default' has no output 'hidden'",
                "hidden_state=float32 [-1, 3]", "outputs.h");
    }

    @Test
    void unknownInputKeyListsTheSignaturesInputsWithShapes() throws Exception {
        assertMentions(refused(model, "model.input=window"), model, "no input 'window'",
                "sequences=float32 [-1, 6, 2]", "model.input");
    }

    @Test
    void unknownGraphTensorNamesTheOperationAndTheKey() throws Exception {
        assertMentions(refused(model, "outputs.h=lstm/step_9/h:0"), model, "lstm/step_9/h:0",
                "no operation named 'lstm/step_9/h'", "outputs.h", "inspect --ops");
    }

    @Test
    void outputIndexPastTheOperationsOutputsNamesHowManyItHas() throws Exception {
        assertMentions(refused(model, "outputs.h=lstm/step_1/h:3"), model, "lstm/step_1/h:3", "has 1 outputs",
                "outputs.h");
    }

    @Test
    void tensorWithoutABatchDimensionIsRefusedAsAnOutput() throws Exception {
        assertMentions(refused(model, "outputs.h=lstm/kernel:0"), model, "graph tensor lstm/kernel:0",
                "[2, 12]", "not the batch", "outputs.h");
    }

    @Test
    void statefulModelIsRefusedForKeepingStateFromCallToCall() throws Exception {
        String stateful = Path.of("src/test/resources/fixtures/keras_stateful/saved_model").toString();
        assertMentions(refused(stateful, "outputs={ y = output_0 }"), stateful, "keeps state from call to call",
                "outputs.y", "stateful=False", "mode = stream");
    }

    @Test
    void modelWithARandomOpIsRefusedNamingTheOpNotAsStateful() throws Exception {
        String random = Path.of("src/test/resources/hostile/random_output/saved_model").toString();
        String message = refused(random, "outputs={ y = output_0 }");
        assertMentions(message, random, "gives different outputs for the same input: random ops RandomUniform",
                "outputs.y");
        assertTrue(!message.contains("keeps state"), message);
    }
}
