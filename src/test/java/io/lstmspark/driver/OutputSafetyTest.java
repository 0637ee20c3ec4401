package io.lstmspark.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.lstmspark.LstmSparkException;
import io.lstmspark.cli.Main;
import io.lstmspark.output.OutputTarget;
import io.lstmspark.testing.Jobs;
import io.lstmspark.testing.TestData;
import io.lstmspark.testing.TestModels;
import io.lstmspark.testing.TestSpark;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** No output.path, mode or failure makes a run delete what it should not, or leave what it should not. */
class OutputSafetyTest {

    @TempDir
    static Path dir;

    private static String model;
    private static String threeSeries;
    private static String withNan;

    @BeforeAll
    static void inputsAndModel() {
        model = TestModels.savedModel(dir, 2, 3, 4, 21).toString();
        threeSeries = TestData.writeParquet(dir.resolve("b"), TestData.rows(6, 6, 6), TestData.SCHEMA);
        List<Row> bad = new ArrayList<>(TestData.rows(6, 6));
        bad.add(RowFactory.create("s9", TestData.minute(1), Double.NaN, 0.0));
        withNan = TestData.writeParquet(dir.resolve("c"), bad, TestData.SCHEMA);
    }

    private static List<String> job(String input, Object output, String... more) {
        List<String> args = new ArrayList<>(List.of("input.path=" + input, "input.series-id=id", "input.timestamp=ts",
                "input.features=x0,x1", "model.path=" + model, "outputs.h=hidden_state", "output.mode=overwrite",
                "output.path=" + output));
        args.addAll(List.of(more));
        return args;
    }

    private static String refusal(List<String> args) {
        Exception e = assertThrows(Exception.class, () -> Jobs.run(null, args.toArray(String[]::new)));
        return LstmSparkException.find(e).orElseThrow(() -> new AssertionError("not a user error", e)).getMessage();
    }

    private static long rows(Path output) {
        return TestSpark.session().read().parquet(output.toString()).count();
    }

    private static List<Path> runDirectories(Path parent) throws IOException {
        try (Stream<Path> files = Files.list(parent)) {
            return files.filter(p -> p.getFileName().toString().contains(".lstm-spark-")
                    || p.getFileName().toString().startsWith(".lstm-spark-")).toList();
        }
    }

    @Test
    void anOutputPathThatIsOrHoldsOrLiesInsideTheInputOrModelIsRefusedAndTheInputKept() throws IOException {
        Path holder = Files.createDirectories(dir.resolve("holder"));
        Path input = dir.resolve("holder/in");
        TestData.copyTree(Path.of(threeSeries), input);
        Files.writeString(holder.resolve("other.txt"), "kept");
        Files.createSymbolicLink(dir.resolve("link-to-in"), input);

        assertTrue(refusal(job(input.toString(), input)).contains("is input.path"));
        assertTrue(refusal(job(input.toString(), holder)).contains("holds input.path"));
        assertTrue(refusal(job(input.toString(), input.resolve("out"))).contains("lies inside input.path"));
        assertTrue(refusal(job(input.toString(), dir.resolve("link-to-in"))).contains("is input.path"));
        assertTrue(refusal(job(threeSeries, Path.of(model))).contains("is model.path"));

        assertEquals(18, rows(input), "the input is intact");
        assertEquals("kept", Files.readString(holder.resolve("other.txt")));
        assertTrue(Files.isDirectory(Path.of(model, "variables")));
    }

    @Test
    void rootWorkingDirectoryHomeAndWarehouseAndTheirAncestorsAreRefusedAsOutput() {
        String warehouse = TestSpark.session().conf().get("spark.sql.warehouse.dir");
        String cwd = System.getProperty("user.dir");
        // error-if-exists: the code before these checks refused these existing paths only by that mode.
        for (String path : List.of("/", ".", "..", cwd, System.getProperty("user.home"), warehouse)) {
            String message = refusal(job(threeSeries, path, "output.mode=error-if-exists"));
            assertTrue(message.contains("is refused") && !message.contains("set output.mode = overwrite"), message);
        }
        assertTrue(refusal(job(threeSeries, ".", "output.mode=error-if-exists")).contains("is the working directory"));
        // Where the checkout lies under the test's temporary directory, ".." holds the input as well.
        String parent = refusal(job(threeSeries, "..", "output.mode=error-if-exists"));
        boolean parentHoldsInput = Path.of(threeSeries).toAbsolutePath()
                .startsWith(Path.of(cwd).toAbsolutePath().getParent());
        assertTrue(parent.contains("holds the working") || parentHoldsInput && parent.contains("holds input.path"),
                parent);
        assertTrue(refusal(job(threeSeries, "/", "output.mode=error-if-exists")).contains("root"));
        assertTrue(refusal(job(threeSeries, warehouse, "output.mode=error-if-exists"))
                .contains("spark.sql.warehouse.dir"));
        assertFalse(Files.exists(Path.of(cwd, "spark-warehouse", "_run_report.json")));
    }

    @Test
    void errorIfExistsNeverReplacesATargetThatAppearsWhileTheRunRuns() throws IOException {
        Path target = dir.resolve("appears");
        AtomicBoolean created = new AtomicBoolean();
        SparkListener someoneElse = new SparkListener() {
            @Override
            public void onTaskStart(SparkListenerTaskStart taskStart) {
                try {
                    // Once the run writes (its staging exists), after the start's check that the target is free.
                    boolean writing = runDirectories(dir).stream()
                            .anyMatch(p -> p.getFileName().toString().startsWith(".appears."));
                    if (writing && created.compareAndSet(false, true)) {
                        Files.createDirectories(target);
                        Files.writeString(target.resolve("theirs.txt"), "theirs");
                    }
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
        };
        TestSpark.session().sparkContext().addSparkListener(someoneElse);
        String message;
        try {
            message = refusal(job(threeSeries, target, "output.mode=error-if-exists"));
        } finally {
            TestSpark.session().sparkContext().removeSparkListener(someoneElse);
        }
        assertTrue(created.get());
        assertTrue(message.contains(target.toString()) && message.contains("appeared"), message);
        try (Stream<Path> files = Files.list(target)) {
            assertEquals(List.of(target.resolve("theirs.txt")), files.toList(), "what appeared is left as it was");
        }
        List<Path> kept = runDirectories(dir).stream().filter(p -> p.getFileName().toString().startsWith(".appears."))
                .toList();
        assertEquals(1, kept.size(), "the run's output is kept, as the message says");
        assertTrue(message.contains(kept.get(0).resolve("output").toString()), message);
        assertEquals(9, rows(kept.get(0).resolve("output")));
    }

    @Test
    void aMountPointAsOutputIsRefusedBeforeAnyTaskRunsAndItsContentKept() throws Exception {
        Path target = Files.createDirectories(dir.resolve("mounted"));
        assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", target.toString()) == 0,
                "needs a tmpfs mount (root)");
        try {
            Files.writeString(target.resolve("previous-output.txt"), "previous");
            String message = refusal(job(threeSeries, target));
            assertTrue(message.contains("mount point"), message);
            assertEquals("previous", Files.readString(target.resolve("previous-output.txt")));
            assertEquals(List.of(), runDirectories(dir).stream()
                    .filter(p -> p.getFileName().toString().startsWith(".mounted.")).toList());
        } finally {
            assertEquals(0, run("umount", target.toString()));
        }
    }

    @Test
    void aPublishThatFailsHalfwayPutsThePartitionItReplacedBack() throws Exception {
        Path target = dir.resolve("halfway");
        List<String> night = List.of("output.partition-by=[run_date]", "output.constant-columns.run_date=2026-11-20",
                "input.on-bad=quarantine");
        Jobs.run(null, concat(job(withNan, target), night).toArray(String[]::new));
        String report = Files.readString(target.resolve("run_date=2026-11-20/_run_report.json"));
        // Immutable: the old quarantine partition cannot be moved out, after the data partition was swapped.
        Path quarantine = target.resolve("_quarantine");
        assumeTrue(run("chattr", "+i", quarantine.toString()) == 0, "needs chattr on this file system");
        try {
            assertThrows(Exception.class, () -> Jobs.run(null, concat(job(threeSeries, target), night)
                    .toArray(String[]::new)));
        } finally {
            assertEquals(0, run("chattr", "-i", quarantine.toString()));
        }
        assertEquals(6, rows(target.resolve("run_date=2026-11-20")), "the old partition is back");
        assertEquals(report, Files.readString(target.resolve("run_date=2026-11-20/_run_report.json")));
        assertEquals(1, rows(quarantine.resolve("run_date=2026-11-20")));
        assertEquals(List.of(), runDirectories(target));
    }

    @Test
    void aDriverKilledAfterItsDataCommitLeavesTheNightAsItWasAndTheNextRunCleansUp() throws Exception {
        Path target = dir.resolve("killed");
        List<String> night = List.of("output.partition-by=[run_date]", "output.constant-columns.run_date=2026-11-21",
                "input.on-bad=quarantine");
        Jobs.run(null, concat(job(threeSeries, target), night).toArray(String[]::new));
        String report = Files.readString(target.resolve("run_date=2026-11-21/_run_report.json"));

        Process driver = startDriver(concat(job(withNan, target), night), dir.resolve("killed-driver.log"));
        try {
            // The quarantine pass starts after the data pass has committed its rows.
            assertTrue(waitForQuarantine(target, driver), "the driver reached its quarantine pass");
            driver.destroyForcibly(); // SIGKILL
            driver.waitFor(30, TimeUnit.SECONDS);
        } finally {
            driver.destroyForcibly();
        }
        assertEquals(9, rows(target.resolve("run_date=2026-11-21")), "the night's old rows, not the killed run's");
        assertEquals(report, Files.readString(target.resolve("run_date=2026-11-21/_run_report.json")));
        assertFalse(Files.exists(target.resolve("_quarantine/run_date=2026-11-21")));
        assertEquals(1, runDirectories(target).size(), "the killed run's staging is left");

        Jobs.run(null, concat(job(withNan, target), night).toArray(String[]::new));
        assertEquals(List.of(), runDirectories(target), "the next run removed the dead run's staging");
        assertEquals(6, rows(target.resolve("run_date=2026-11-21")));
        assertEquals(1, rows(target.resolve("_quarantine/run_date=2026-11-21")));
    }

    @Test
    void aLaterRunRemovesWhatDeadRunsStagedAndLeavesLiveRunsAlone() throws Exception {
        Path target = dir.resolve("stale");
        Path dead = deadRun(dir.resolve(".stale.lstm-spark-run-dead"), deadPid());
        Path live = deadRun(dir.resolve(".stale.lstm-spark-run-live"), ProcessHandle.current().pid());
        Files.write(dead.resolve("output/part-00000.parquet"), new byte[1 << 20]);

        Jobs.run(null, job(threeSeries, target).toArray(String[]::new));

        assertFalse(Files.exists(dead), "a dead run's staging is removed");
        assertTrue(Files.exists(live.resolve("output/part-00000.parquet")), "a live run's staging is untouched");
        assertEquals(9, rows(target));
    }

    @Test
    void aDriverThatDiesHalfwayThroughPublishingIsRolledBackByTheNextRun() throws Exception {
        Path target = dir.resolve("cut");
        List<String> night = List.of("output.partition-by=[run_date]", "output.constant-columns.run_date=2026-11-22",
                "input.on-bad=quarantine");
        Jobs.run(null, concat(job(withNan, target), night).toArray(String[]::new));
        String report = Files.readString(target.resolve("run_date=2026-11-22/_run_report.json"));

        Process driver = startDriver(concat(job(threeSeries, target), night), dir.resolve("cut-driver.log"),
                "-D" + OutputTarget.HALT_DURING_PUBLISH_CONF + "=0");
        assertTrue(driver.waitFor(5, TimeUnit.MINUTES));
        assertEquals(137, driver.exitValue(), "the driver died after swapping in the data, before the quarantine");
        assertEquals(9, rows(target.resolve("run_date=2026-11-22")), "the dead run's data is in place");

        String message = refusal(concat(job(threeSeries, target, "output.mode=error-if-exists"), night));
        assertTrue(message.contains("already exists"), message);
        assertEquals(6, rows(target.resolve("run_date=2026-11-22")), "the previous night is back");
        assertEquals(report, Files.readString(target.resolve("run_date=2026-11-22/_run_report.json")));
        assertEquals(1, rows(target.resolve("_quarantine/run_date=2026-11-22")));
        assertEquals(List.of(), runDirectories(target));
    }

    /** A run directory as a driver with {@code pid} on this host made it, with something staged. */
    private static Path deadRun(Path run, long pid) throws IOException {
        Files.createDirectories(run.resolve("output"));
        Files.writeString(run.resolve("owner"), "host=" + InetAddress.getLocalHost().getHostName() + "\npid=" + pid
                + "\n");
        Files.writeString(run.resolve("output/part-00000.parquet"), "staged");
        return run;
    }

    private static long deadPid() throws Exception {
        Process exited = new ProcessBuilder("true").start();
        exited.waitFor();
        return exited.pid();
    }

    private static boolean waitForQuarantine(Path target, Process driver) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (System.nanoTime() < deadline && driver.isAlive()) {
            if (Files.isDirectory(target.resolve("_quarantine")) || stagedQuarantine(target)) {
                return true;
            }
            Thread.sleep(5);
        }
        return false;
    }

    private static boolean stagedQuarantine(Path target) throws IOException {
        for (Path run : runDirectories(target)) {
            if (Files.isDirectory(run.resolve("output/_quarantine"))) {
                return true;
            }
        }
        return false;
    }

    /** The job's command line in a JVM of its own, with this JVM's classpath and options. */
    private static Process startDriver(List<String> args, Path log, String... jvmOptions) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> !a.startsWith("-Xmx") && !a.startsWith("-agentlib")).toList());
        command.addAll(List.of(jvmOptions));
        command.addAll(List.of("-Xmx1g", "-Dspark.master=local[2]", "-Dspark.ui.enabled=false",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "run"));
        command.addAll(args);
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static int run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return process.waitFor();
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
