package io.lstmspark.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.lstmspark.output.RunReport;
import io.lstmspark.testing.Jobs;
import io.lstmspark.testing.LocalCluster;
import io.lstmspark.testing.LocalClusterExtension;
import io.lstmspark.testing.ModelArchive;
import io.lstmspark.testing.TestSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sample job from the fat jar on a Spark standalone cluster of this machine (a master and two
 * workers, one executor JVM each), submitted with submit/spark-submit.sh as users submit it, checked
 * against the same job run in local mode.
 */
@ExtendWith(LocalClusterExtension.class)
class StandaloneClusterIT {

    private static final int EXECUTORS = LocalCluster.WORKERS;
    private static final List<String> SPARK_OPTIONS = List.of(
            "--driver-memory", "1g", "--executor-memory", "1g", "--total-executor-cores", String.valueOf(EXECUTORS),
            "--conf", "spark.ui.enabled=false",
            // Every executor gets a task: the job starts once all executors are up, and no task waits
            // for the executor that holds the shuffle's map output.
            "--conf", "spark.scheduler.minRegisteredResourcesRatio=1.0",
            "--conf", "spark.scheduler.maxRegisteredResourcesWaitingTime=120s",
            "--conf", "spark.locality.wait=0");
    /** As many partitions as in local mode: the same windows in the same batches, so equal numbers. */
    private static final String PARTITIONS = "input.partitions=" + EXECUTORS;

    @TempDir
    static Path dir;

    private static Dataset<Row> localOutput;
    private static Submitted sharedModelRun;

    private record Submitted(Dataset<Row> output, JsonNode report, LocalCluster.Submission submission) {
    }

    @BeforeAll
    static void runSampleJobInLocalMode() {
        String output = dir.resolve("local").toString();
        Jobs.run("conf/sample.conf", PARTITIONS, "output.path=" + output);
        localOutput = TestSpark.session().read().parquet(output);
    }

    /** The sample job with model.path an absolute path all JVMs of this machine read; run once. */
    private static synchronized Submitted sharedModelRun(LocalCluster cluster) {
        if (sharedModelRun == null) {
            sharedModelRun = submit(cluster, "shared-model", List.of(),
                    "model.path=" + Path.of("sample-data/model").toAbsolutePath());
        }
        return sharedModelRun;
    }

    @Test
    void sampleJobOnTwoExecutorsWritesExactlyTheLocalModeRows(LocalCluster cluster) {
        assertSameRows(localOutput, sharedModelRun(cluster).output());
    }

    @Test
    void eachExecutorJvmLoadsTheModelOnce(LocalCluster cluster) {
        Submitted run = sharedModelRun(cluster);
        assertModelLoadedOncePerExecutor(run);
    }

    @Test
    void modelShippedWithArchivesIsFoundByTheDriverAndEveryExecutor(LocalCluster cluster) {
        String name = "shipped-model";
        assertFalse(Files.exists(Path.of(name)), "no ./" + name + " where the driver runs");
        Path zip = ModelArchive.zip(Path.of("sample-data/model"), dir.resolve("model.zip"));

        Submitted run = submit(cluster, "archived-model", List.of("--archives", zip + "#" + name), "model.path=" + name);

        assertEquals(name, run.report().at("/model/path").asText(), "the report keeps model.path as given");
        assertModelLoadedOncePerExecutor(run);
        assertSameRows(localOutput, run.output());
    }

    private static Submitted submit(LocalCluster cluster, String name, List<String> sparkOptions, String modelPath) {
        Path output = dir.resolve(name);
        List<String> options = new ArrayList<>(SPARK_OPTIONS);
        options.addAll(sparkOptions);
        LocalCluster.Submission submission = cluster.submit(name, options,
                List.of("conf/sample.conf", PARTITIONS, modelPath, "output.path=" + output));
        try {
            JsonNode report = RunReport.mapper().readTree(output.resolve(RunReport.FILE_NAME).toFile());
            return new Submitted(TestSpark.session().read().parquet(output.toString()), report, submission);
        } catch (IOException e) {
            throw new AssertionError("no readable run report in " + output, e);
        }
    }

    private static void assertModelLoadedOncePerExecutor(Submitted run) {
        JsonNode executors = run.report().get("executors");
        assertEquals(EXECUTORS, executors.size(), "executors that ran tasks: " + executors);
        assertEquals(EXECUTORS, run.report().at("/model_loads/executors").asLong(), "model loads in executors");
        Set<Long> pids = new HashSet<>();
        for (JsonNode executor : executors) {
            assertEquals(1, executor.get("model_loads").asLong(), "loads in executor " + executor);
            assertTrue(executor.get("batches").asLong() > 0, "batches in executor " + executor);
            assertEquals("127.0.0.1", executor.get("host").asText());
            pids.add(executor.get("pid").asLong());
        }
        assertEquals(run.submission().executorPids(), pids,
                "the report's executors are the executor JVMs the workers started, each its own JVM");
        assertFalse(pids.contains(run.submission().driverPid()), "no task ran in the driver");
    }

    /** Equal as multisets of rows: same count, nothing in one that is not in the other. */
    private static void assertSameRows(Dataset<Row> expected, Dataset<Row> actual) {
        assertEquals(expected.schema(), actual.schema());
        assertEquals(expected.count(), actual.count(), "rows");
        List<Row> missing = expected.exceptAll(actual).limit(3).collectAsList();
        List<Row> unexpected = actual.exceptAll(expected).limit(3).collectAsList();
        assertTrue(missing.isEmpty() && unexpected.isEmpty(),
                "rows of local mode not written on the cluster: " + missing + "; rows written instead: " + unexpected);
    }
}
