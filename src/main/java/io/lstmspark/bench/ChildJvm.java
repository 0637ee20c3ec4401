package io.lstmspark.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.lstmspark.report.RunReport;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The benchmark's jobs, each in a fresh JVM with this JVM's options and classpath and a fixed heap, so
 * that their memory figures are their own.
 */
final class ChildJvm {

    private final String heap;
    private final Path workDir;

    ChildJvm(String heap, Path workDir) {
        this.heap = heap;
        this.workDir = workDir;
    }

    /**
     * Runs one job in a fresh JVM and reads its result line. The job runs in TensorFlow's configuration
     * {@code tuned}, (a)'s best: its batch size and intra-op threads, and as many concurrent tasks as it has
     * callers, so that the job is measured against (a) as a user who tuned it would run it.
     * input.partitions keeps the job's default, as a user's run would.
     */
    JsonNode job(MachineBound.Configuration tuned, int slots, Path input, Path model, Map<String, String> outputs,
                 String name, String... settings) throws IOException, InterruptedException {
        List<String> arguments = new ArrayList<>(List.of("bench-job", "--master=local[" + slots + "]",
                "--task-cpus=" + tuned.taskCpus(slots),
                "input.path=" + input, "input.series-id=series", "input.timestamp=ts",
                "input.features=" + String.join(",", BenchData.features(BenchCommand.FEATURES)),
                "model.path=" + model,
                "output.mode=overwrite", "output.path=" + workDir.resolve("output-" + name),
                "batch.size=" + tuned.batch(), "model.intra-op-threads=" + tuned.intraOp()));
        outputs.forEach((column, ref) -> arguments.add("outputs." + column + "=" + ref));
        arguments.addAll(List.of(settings));
        return run(arguments, "benchmark job (" + name + ")");
    }

    /** What a child command prints last: its result as one JSON line, which {@link #run} reads. */
    static void printResult(Map<String, Object> result) throws IOException {
        System.out.println(RunReport.mapper().disable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(result));
    }

    /**
     * Runs a lstm-spark command in a fresh JVM (this JVM's options and classpath, the benchmark's fixed
     * heap) and reads the JSON line it prints last.
     */
    JsonNode run(List<String> arguments, String what) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(option -> !option.startsWith("-Xmx") && !option.startsWith("-Xms"))
                .forEach(command::add);
        command.add("-Xms" + heap);
        command.add("-Xmx" + heap);
        // The whole heap resident from the start: growth in resident memory is then memory outside the heap.
        command.add("-XX:+AlwaysPreTouch");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("io.lstmspark.cli.Main");
        command.addAll(arguments);
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException(what + " failed; its log is above");
        }
        String last = out.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b)
                .orElseThrow(() -> new IllegalStateException(what + " printed no result"));
        return RunReport.mapper().readTree(last);
    }
}
