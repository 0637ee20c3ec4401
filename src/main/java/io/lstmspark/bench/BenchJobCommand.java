package io.lstmspark.bench;

import io.lstmspark.config.JobConfig;
import io.lstmspark.config.JobConfigLoader;
import io.lstmspark.driver.LstmSparkJob;
import io.lstmspark.output.PosixLocalFileSystem;
import io.lstmspark.report.RunReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code bench-job}: one measured job in a JVM of its own, for {@code bench}. Runs the job twice and
 * prints one JSON line: wall time of both runs, and windows, the tasks' time in TensorFlow calls, the JVM's
 * CPU time by kind of thread ({@link ThreadCpu}), output bytes, peak live heap (after garbage collection) and
 * peak resident memory of the second, measured run.
 * Removes both runs' outputs.
 */
@Command(name = "bench-job", hidden = true, description = "Runs one measured job (used by bench).")
public final class BenchJobCommand implements Callable<Integer> {

    @Option(names = "--master", defaultValue = "local[*]")
    String master;

    @Option(names = "--task-cpus", defaultValue = "1", description = "spark.task.cpus (default: ${DEFAULT-VALUE}).")
    int taskCpus;

    @Parameters(description = "Job configuration as key=value.")
    List<String> overrides = new ArrayList<>();

    @Override
    public Integer call() throws IOException {
        SparkSession spark = PosixLocalFileSystem.use(SparkSession.builder()).master(master).appName("lstm-spark bench")
                .config("spark.ui.enabled", "false").config("spark.task.cpus", taskCpus).getOrCreate();
        try {
            // The first run in a fresh JVM also pays for class loading and JIT compilation; the measured
            // run repeats it, as (a) measures TensorFlow after a pass of the same size.
            List<String> firstRun = new ArrayList<>(overrides);
            firstRun.add("output.path=" + config(overrides).output().path() + "-first-run");
            long firstStarted = System.nanoTime();
            LstmSparkJob.run(spark, config(firstRun));
            double firstSeconds = (System.nanoTime() - firstStarted) / 1e9;
            remove(spark, config(firstRun).output().path());

            Runtime.getRuntime().gc();
            LiveHeap liveHeap = LiveHeap.watch();
            boolean rssReset = resetPeakRss();
            System.err.println("bench-job: measured run starts"); // submit/profile.sh attaches perf here
            ThreadCpu cpuBefore = ThreadCpu.now();
            long started = System.nanoTime();
            JobConfig measured = config(overrides);
            RunReport report = LstmSparkJob.run(spark, measured);
            double seconds = (System.nanoTime() - started) / 1e9;
            Map<String, Double> cpuSeconds = ThreadCpu.now().since(cpuBefore);

            Map<String, Object> result = new LinkedHashMap<>();
            result.put("seconds", seconds);
            result.put("first_run_seconds", firstSeconds);
            result.put("windows", report.counts().windowsWritten());
            result.put("input_rows", report.counts().inputRows());
            result.put("stage_millis", report.stageMillis());
            result.put("model_seconds", report.executors().values().stream()
                    .mapToLong(RunReport.ExecutorInfo::modelMillis).sum() / 1e3);
            result.put("cpu_seconds", cpuSeconds);
            result.put("cores", Runtime.getRuntime().availableProcessors());
            result.put("output_bytes", parquetBytes(Path.of(measured.output().path())));
            result.put("peak_heap_bytes", liveHeap.peakAfterGc());
            Runtime.getRuntime().gc();
            result.put("retained_heap_bytes", Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory());
            result.put("peak_rss_bytes", procStatusBytes("VmHWM"));
            result.put("peak_rss_reset", rssReset);
            remove(spark, measured.output().path());
            ChildJvm.printResult(result);
        } finally {
            spark.stop();
        }
        return 0;
    }

    /** A run's output, once measured: of no further use, and (c) on 10x the windows writes ~12.5 GB a run. */
    private static void remove(SparkSession spark, String output) throws IOException {
        org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(output);
        path.getFileSystem(spark.sparkContext().hadoopConfiguration()).delete(path, true);
    }

    private static JobConfig config(List<String> overrides) {
        return JobConfigLoader.load(Optional.empty(), overrides);
    }

    /** Linux resets the peak resident set (VmHWM) when 5 is written to clear_refs. */
    private static boolean resetPeakRss() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
            return true;
        } catch (IOException | SecurityException e) {
            return false;
        }
    }

    /** A "Name:   123 kB" line of /proc/self/status, in bytes; -1 where there is no /proc. */
    static long procStatusBytes(String name) {
        try (Stream<String> lines = Files.lines(Path.of("/proc/self/status"))) {
            return lines.filter(l -> l.startsWith(name + ":")).findFirst()
                    .map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024).orElse(-1L);
        } catch (IOException e) {
            return -1;
        }
    }

    private static long parquetBytes(Path output) throws IOException {
        try (Stream<Path> files = Files.walk(output)) {
            return files.filter(f -> f.toString().endsWith(".parquet")).mapToLong(f -> f.toFile().length()).sum();
        }
    }
}
