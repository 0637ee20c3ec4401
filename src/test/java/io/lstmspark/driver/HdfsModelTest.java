package io.lstmspark.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lstmspark.model.LocalModelCopy;
import io.lstmspark.model.ModelException;
import io.lstmspark.model.ModelFingerprint;
import io.lstmspark.report.RunReport;
import io.lstmspark.testing.Jobs;
import io.lstmspark.testing.TestData;
import io.lstmspark.testing.TestSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * model.path on a real HDFS (Hadoop's MiniDFSCluster, a name node and a data node in this JVM): the
 * model is copied to local disk once per fingerprint and loaded once per JVM, whatever the number of
 * tasks and jobs. Each test uploads its own model (the sample model plus a file naming the test), so
 * that its fingerprint is new to this host's directory of copies.
 */
class HdfsModelTest {

    private static final String FEWER_WINDOWS = "window.stride=24";

    @TempDir
    static Path dir;

    private static MiniDFSCluster hdfs;
    private static FileSystem fs;

    @BeforeAll
    static void startHdfs() throws IOException {
        Configuration conf = new Configuration();
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, dir.resolve("hdfs").toString());
        hdfs = new MiniDFSCluster.Builder(conf).numDataNodes(1).build();
        hdfs.waitActive();
        fs = hdfs.getFileSystem();
    }

    @AfterAll
    static void stopHdfs() {
        if (hdfs != null) {
            hdfs.shutdown();
        }
    }

    @Test
    void jobsWithAModelOnHdfsCopyItOnceAndLoadItOnceAndWriteWhatTheLocalModelWrites() throws IOException {
        Path local = uniqueModel("two-jobs");
        String uri = upload(local, "/models/two-jobs");
        long copiesBefore = LocalModelCopy.copyCount();

        RunReport first = Jobs.run("conf/sample.conf", FEWER_WINDOWS, "model.path=" + uri,
                "output.path=" + dir.resolve("first"));
        RunReport second = Jobs.run("conf/sample.conf", FEWER_WINDOWS, "model.path=" + uri,
                "output.path=" + dir.resolve("second"));

        assertEquals(1, LocalModelCopy.copyCount() - copiesBefore, "copies of the model to local disk");
        assertEquals(new RunReport.ModelLoads(0, 1), first.modelLoads(), "the driver's check loaded it");
        assertEquals(new RunReport.ModelLoads(0, 0), second.modelLoads(), "the second job loaded nothing");
        assertEquals(uri, second.model().path(), "the report keeps model.path as given");
        assertEquals(ModelFingerprint.of(local), second.model().fingerprint());
        Jobs.run("conf/sample.conf", FEWER_WINDOWS, "model.path=" + local, "output.path=" + dir.resolve("local"));
        assertSameRows(read("local"), read("first"));
        assertSameRows(read("local"), read("second"));
    }

    @Test
    void concurrentTasksOfOneJvmShareOneCompleteCopy() throws Exception {
        Path local = uniqueModel("concurrent");
        String uri = upload(local, "/models/concurrent");
        String fingerprint = ModelFingerprint.of(local);
        long copiesBefore = LocalModelCopy.copyCount();

        ExecutorService tasks = Executors.newFixedThreadPool(4);
        Set<Path> copies = new HashSet<>();
        try {
            List<Future<LocalModelCopy.Copy>> asked = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                Callable<LocalModelCopy.Copy> ask = () -> LocalModelCopy.of(uri, fs::getConf, Optional.of(fingerprint));
                asked.add(tasks.submit(ask));
            }
            for (Future<LocalModelCopy.Copy> copy : asked) {
                copies.add(copy.get().path());
            }
        } finally {
            tasks.shutdown();
        }

        assertEquals(1, copies.size(), "every task got the same copy: " + copies);
        assertEquals(1, LocalModelCopy.copyCount() - copiesBefore, "copies made");
        assertEquals(fingerprint, ModelFingerprint.of(copies.iterator().next()));
        try (Stream<Path> siblings = Files.list(copies.iterator().next().getParent().getParent())) {
            assertTrue(siblings.noneMatch(p -> p.getFileName().toString().startsWith(".copying-")),
                    "no temporary copy left behind");
        }
    }

    @Test
    void aCopyAnotherJvmPlacedIsUsedAndADamagedOneIsReplaced() throws IOException {
        Path local = uniqueModel("placed");
        String uri = upload(local, "/models/placed");
        String fingerprint = ModelFingerprint.of(local);
        Path placed = TestData.copyTree(local, placedDirectory(fingerprint).resolve("placed"));
        long copiesBefore = LocalModelCopy.copyCount();

        assertEquals(placed, LocalModelCopy.of(uri, fs::getConf, Optional.of(fingerprint)).path());
        assertEquals(copiesBefore, LocalModelCopy.copyCount(), "the copy in place was used");

        Path damagedLocal = uniqueModel("damaged");
        String damagedUri = upload(damagedLocal, "/models/damaged");
        String damagedFingerprint = ModelFingerprint.of(damagedLocal);
        Path damaged = TestData.copyTree(damagedLocal, placedDirectory(damagedFingerprint).resolve("damaged"));
        Files.writeString(damaged.resolve("saved_model.pb"), "truncated");

        Path copy = LocalModelCopy.of(damagedUri, fs::getConf, Optional.of(damagedFingerprint)).path();
        assertEquals(damaged, copy);
        assertEquals(damagedFingerprint, ModelFingerprint.of(copy), "the damaged copy was replaced");
        assertEquals(copiesBefore + 1, LocalModelCopy.copyCount());
    }

    @Test
    void aModelThatChangedAfterTheDriverCheckedItIsRefusedByTheExecutor() throws IOException {
        String uri = upload(uniqueModel("changed"), "/models/changed");
        String driversFingerprint = "sha256:" + "0".repeat(64);

        ModelException e = assertThrows(ModelException.class,
                () -> LocalModelCopy.of(uri, fs::getConf, Optional.of(driversFingerprint)));

        assertTrue(e.getMessage().startsWith("model.path " + uri + " changed after the driver checked it: its files "
                + "now hash to sha256:"), e.getMessage());
        assertTrue(e.getMessage().contains("the driver's to " + driversFingerprint), e.getMessage());
    }

    @Test
    void aMissingModelOnHdfsIsNamed() {
        String uri = fs.getUri() + "/models/absent";

        ModelException e = assertThrows(ModelException.class,
                () -> Jobs.run("conf/sample.conf", "model.path=" + uri, "output.path=" + dir.resolve("absent")));

        assertTrue(e.getMessage().startsWith("model.path " + uri + " does not exist"), e.getMessage());
    }

    /** The sample model plus a file naming {@code name}: the same model under a fingerprint of its own. */
    private static Path uniqueModel(String name) throws IOException {
        Path model = TestData.copyTree(Path.of("sample-data/model"), dir.resolve("local-models").resolve(name));
        Files.writeString(model.resolve("uploaded-for.txt"), name + " " + System.nanoTime());
        return model;
    }

    private static String upload(Path local, String hdfsPath) throws IOException {
        org.apache.hadoop.fs.Path target = new org.apache.hadoop.fs.Path(hdfsPath);
        fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(local.toUri()), target);
        return fs.makeQualified(target).toString();
    }

    private static Path placedDirectory(String fingerprint) {
        return Path.of(System.getProperty("java.io.tmpdir"), "lstm-spark-models-" + System.getProperty("user.name"),
                fingerprint.replace(':', '-'));
    }

    private static Dataset<Row> read(String output) {
        return TestSpark.session().read().parquet(dir.resolve(output).toString());
    }

    private static void assertSameRows(Dataset<Row> expected, Dataset<Row> actual) {
        assertEquals(expected.count(), actual.count(), "rows");
        assertEquals(0, expected.exceptAll(actual).count(), "rows of the local model's run missing");
    }
}
