package io.lstmspark.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.lstmspark.report.Counts;
import io.lstmspark.report.RunReport;
import io.lstmspark.testing.Jobs;
import io.lstmspark.testing.LocalCluster;
import io.lstmspark.testing.LocalClusterExtension;
import io.lstmspark.testing.ModelArchive;
import io.lstmspark.testing.TestSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
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
    /** An executor's line for each task it starts evaluating. */
    private static final Pattern TASK_STARTED = Pattern.compile("Partition \\d+ started \\(attempt \\d+\\)");
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

        Submitted run = submit(cluster, "archived-model", List.of("--archives", zip + "#" + name),
                "model.path=" + name);

        assertEquals(name, run.report().at("/model/path").asText(), "the report keeps model.path as given");
        assertModelLoadedOncePerExecutor(run);
        assertSameRows(localOutput, run.output());
    }

    /**
     * model.path a URI of a file system every node reads, without --archives: here file:/// of a directory of
     * this machine (the workers' hosts), which each executor JVM copies to its local disk once.
     */
    @Test
    void modelGivenAsASharedFileSystemUriIsCopiedByEveryExecutorWithoutArchives(LocalCluster cluster) {
        String uri = Path.of("sample-data/model").toAbsolutePath().toUri().toString();
        assertTrue(uri.startsWith("file:///"), uri);

        Submitted run = submit(cluster, "uri-model", List.of(), "model.path=" + uri);

        assertEquals(uri, run.report().at("/model/path").asText(), "the report keeps model.path as given");
        assertModelLoadedOncePerExecutor(run);
        assertSameRows(localOutput, run.output());
    }

    @Test
    void anExecutorKilledMidRunChangesNoRowAndNoCount(LocalCluster cluster) throws IOException {
        // Twelve tasks: an executor is killed as it starts its second, when its first is committed and
        // reported, so the job has work done by the dead JVM to keep and work in flight to redo.
        List<String> longerJob = List.of("window.stride=1", "input.partitions=12");
        String local = dir.resolve("longer-local").toString();
        RunReport expected = Jobs.run("conf/sample.conf", longerJob.get(0), longerJob.get(1), "output.path=" + local);
        AtomicLong killed = new AtomicLong();

        List<String> overrides = new ArrayList<>(longerJob);
        overrides.add("model.path=" + Path.of("sample-data/model").toAbsolutePath());

        Submitted run = submit(cluster, "executor-killed", List.of(), overrides, () -> {
            ProcessHandle executor = cluster.awaitExecutorLogging(TASK_STARTED, 2, Duration.ofMinutes(4));
            killed.set(executor.pid());
            executor.destroyForcibly();
        });

        Set<Long> executorJvms = run.submission().executorPids();
        assertTrue(executorJvms.contains(killed.get()), "the killed executor " + killed + " ran for the job");
        assertEquals(EXECUTORS + 1, executorJvms.size(), "the workers started a replacement: " + executorJvms);
        assertSameRows(TestSpark.session().read().parquet(local), run.output());
        assertEquals(expected.counts(), RunReport.mapper().treeToValue(run.report().get("counts"), Counts.class),
                "counts of the run with an executor killed, against those of local mode");
        Set<Long> ranTasks = new HashSet<>();
        for (JsonNode executor : run.report().get("executors")) {
            assertEquals(1, executor.get("model_loads").asLong(), "loads in executor " + executor);
            ranTasks.add(executor.get("pid").asLong());
        }
        assertTrue(ranTasks.contains(killed.get()), "the killed executor's finished task is kept: " + ranTasks);
        assertTrue(executorJvms.containsAll(ranTasks), "tasks ran in " + ranTasks + ", executors were " + executorJvms);
    }

    private static Submitted submit(LocalCluster cluster, String name, List<String> sparkOptions, String modelPath) {
        return submit(cluster, name, sparkOptions, List.of(PARTITIONS, modelPath), () -> { });
    }

    private static Submitted submit(LocalCluster cluster, String name, List<String> sparkOptions,
                                    List<String> overrides, Runnable whileRunning) {
        Path output = dir.resolve(name);
        List<String> options = new ArrayList<>(SPARK_OPTIONS);
        options.addAll(sparkOptions);
        List<String> jobArgs = new ArrayList<>(List.of("conf/sample.conf"));
        jobArgs.addAll(overrides);
        jobArgs.add("output.path=" + output);
        LocalCluster.Submission submission = cluster.submit(name, options, jobArgs, whileRunning);
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
