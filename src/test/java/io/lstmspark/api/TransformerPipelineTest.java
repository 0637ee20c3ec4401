package io.lstmspark.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;

import io.lstmspark.testing.TestData;
import io.lstmspark.testing.TestModels;
import io.lstmspark.testing.TestSpark;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.SQLTransformer;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The transformer as Spark ML runs it: a Pipeline stage, saved and loaded with its parameters. */
class TransformerPipelineTest {

    @TempDir
    static Path dir;

    private static String model;

    @BeforeAll
    static void buildModel() {
        TestSpark.session();
        model = TestModels.savedModel(dir, 2, 3, 4, 11).toString();
    }

    private static LstmTransformer transformer() {
        return new LstmTransformer().setModelPath(model).setSeriesIdCol("id").setTimestampCol("ts")
                .setFeatureCols("x0", "x1").setStride(2).setOutput("h", "hidden_state").setOutput("y", "forecast")
                .setJobKey("batch.size", "3");
    }

    /** The rows in one order, as text: the comparison of every value, arrays included. */
    private static List<String> sorted(Dataset<Row> rows) {
        return rows.orderBy("series_id", "window_start").collectAsList().stream().map(Row::toString).toList();
    }

    @Test
    void aPipelineSavedAndLoadedTransformsToTheSameRows() throws Exception {
        Dataset<Row> steps = TestSpark.session().createDataFrame(TestData.rows(9, 7), TestData.SCHEMA);
        SQLTransformer scaled = new SQLTransformer().setStatement("SELECT id, ts, x0 * 2 AS x0, x1 FROM __THIS__");
        PipelineModel fitted = new Pipeline().setStages(new PipelineStage[] {scaled, transformer()}).fit(steps);
        List<String> before = sorted(fitted.transform(steps));
        assertEquals(fitted.transform(steps).schema(), fitted.transformSchema(steps.schema()), "transformSchema");

        String saved = dir.resolve("pipeline").toString();
        fitted.write().overwrite().save(saved);
        PipelineModel loaded = PipelineModel.load(saved);

        // (9 - 4) / 2 + 1 windows of s0 and (7 - 4) / 2 + 1 of s1.
        assertEquals(5, before.size());
        assertEquals(before, sorted(loaded.transform(steps)));
        LstmTransformer stage = (LstmTransformer) loaded.stages()[1];
        assertEquals(((LstmTransformer) fitted.stages()[1]).uid(), stage.uid());
        assertEquals(List.of("h", "y"), List.copyOf(stage.getOutputs().keySet()), "column order");
        assertEquals(Map.of("batch.size", "3"), stage.getOrDefault(stage.jobKeys()));
        assertArrayEquals(new String[] {"x0", "x1"}, stage.getFeatureCols());
        assertEquals(model, stage.getModelPath());
    }

    @Test
    void aTransformerSavedAloneLoadsWithItsParametersAndCopiesApart() throws Exception {
        LstmTransformer original = transformer().setWindowLength(4);
        String saved = dir.resolve("transformer").toString();
        original.save(saved);
        LstmTransformer loaded = LstmTransformer.load(saved);

        assertEquals(original.uid(), loaded.uid());
        for (Param<?> param : original.params()) {
            @SuppressWarnings("unchecked")
            Param<Object> same = (Param<Object>) loaded.getParam(param.name());
            assertEquals(original.isSet(param), loaded.isSet(same), param.name());
            if (original.isSet(param)) {
                assertEquals(same.jsonEncode(original.getOrDefault(param)), same.jsonEncode(loaded.getOrDefault(same)),
                        param.name());
            }
        }
        assertEquals(List.of("h", "y"), List.copyOf(loaded.getOrDefault(loaded.outputs()).keySet()), "column order");
        LstmTransformer copy = loaded.copy(new ParamMap().put(loaded.stride(), 1));
        assertNotSame(loaded, copy);
        assertEquals(2, (int) loaded.getOrDefault(loaded.stride()), "the copy's parameter is its own");
        assertEquals(1, (int) copy.getOrDefault(copy.stride()));
    }
}
