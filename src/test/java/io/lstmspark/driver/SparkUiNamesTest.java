package io.lstmspark.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lstmspark.testing.Jobs;
import io.lstmspark.testing.TestData;
import io.lstmspark.testing.TestModels;
import io.lstmspark.testing.TestSpark;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerEvent;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionStart;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What Spark's UI shows of a run, as Spark's listener events carry it: one job group, each job
 * described by its phase, stages and SQL queries named by the phase instead of a line of code; the
 * caller's own job group back afterwards.
 */
class SparkUiNamesTest {

    @TempDir
    Path dir;

    /** The job properties, stage names and SQL descriptions Spark's UI is built from. */
    private static final class Recorder extends SparkListener {
        final List<Properties> jobs = new ArrayList<>();
        final List<String> stages = new ArrayList<>();
        final List<String> queries = new ArrayList<>();

        @Override
        public synchronized void onJobStart(SparkListenerJobStart jobStart) {
            jobs.add(jobStart.properties());
        }

        @Override
        public synchronized void onStageSubmitted(SparkListenerStageSubmitted submitted) {
            stages.add(submitted.stageInfo().name());
        }

        @Override
        public synchronized void onOtherEvent(SparkListenerEvent event) {
            if (event instanceof SparkListenerSQLExecutionStart start) {
                queries.add(start.description());
            }
        }
    }

    @Test
    void everyJobOfARunIsInItsGroupAndNamedByItsPhase() throws Exception {
        String model = TestModels.savedModel(dir, 2, 3, 3, 5).toString();
        List<Row> rows = new ArrayList<>(TestData.rows(6, 6));
        rows.add(RowFactory.create("s2", TestData.minute(0), Double.NaN, 1.0));
        String input = TestData.writeParquet(dir.resolve("in"), rows, TestData.SCHEMA);
        SparkContext context = TestSpark.session().sparkContext();
        context.setJobGroup("callers-group", "the caller's jobs", false);
        Recorder recorder = new Recorder();
        context.addSparkListener(recorder);
        try {
            Jobs.run(null, "input.path=" + input, "input.series-id=id", "input.timestamp=ts",
                    "input.features=x0,x1", "model.path=" + model, "outputs.h=hidden_state",
                    "output.path=" + dir.resolve("out"), "input.on-bad=quarantine");
            context.listenerBus().waitUntilEmpty();
        } finally {
            context.removeSparkListener(recorder);
        }

        assertEquals("callers-group", context.getLocalProperty("spark.jobGroup.id"), "the caller's group is back");
        assertEquals("the caller's jobs", context.getLocalProperty("spark.job.description"));
        assertNull(context.getLocalProperty("callSite.short"));

        List<String> groups = recorder.jobs.stream().map(p -> p.getProperty("spark.jobGroup.id")).distinct().toList();
        assertEquals(1, groups.size(), "one group: " + groups);
        assertTrue(groups.get(0).startsWith("lstm-spark-"), groups.get(0));
        List<String> descriptions = recorder.jobs.stream().map(p -> p.getProperty("spark.job.description"))
                .distinct().toList();
        assertTrue(descriptions.stream().anyMatch(d -> d.startsWith("lstm-spark windows -> model -> output: input.path "
                + input + " -> " + model + " -> " + dir.resolve("out"))), descriptions.toString());
        assertTrue(descriptions.stream().anyMatch(d -> d.startsWith("lstm-spark quarantine pass: ")),
                descriptions.toString());
        assertTrue(descriptions.stream().allMatch(d -> d.startsWith("lstm-spark ")), descriptions.toString());

        assertTrue(recorder.stages.contains("lstm-spark windows -> model -> output"), recorder.stages.toString());
        assertTrue(recorder.stages.contains("lstm-spark quarantine pass"), recorder.stages.toString());
        assertTrue(recorder.stages.stream().allMatch(name -> name.startsWith("lstm-spark ")),
                "no stage named by a line of code: " + recorder.stages);
        assertTrue(!recorder.queries.isEmpty() && recorder.queries.stream().allMatch(q -> q.startsWith("lstm-spark ")),
                "SQL queries: " + recorder.queries);
    }
}
