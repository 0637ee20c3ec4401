package io.lstmspark.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.lstmspark.report.RunReport;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The benchmark's jobs, each in a fresh JVM with this JVM's options and classpath and a fixed heap, so
 * that their memory figures are their own.
 */
final class ChildJvm {

    /** Lines of a failed child's log quoted in the error. */
    private static final int TAIL_LINES = 30;

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
     * heap) and reads the JSON line it prints last. Its log (standard error) is kept under the work
     * directory's {@code logs}, named after {@code what}, so that a failed or silent run can be looked into.
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
        Path log = logFile(what);
        Process process = new ProcessBuilder(command).redirectError(log.toFile()).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exitCode = process.waitFor();
        Optional<String> last = out.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b);
        if (exitCode != 0 || last.isEmpty()) {
            throw new IllegalStateException(what + (exitCode != 0 ? " failed (exit code " + exitCode + ")"
                    : " printed no result") + "; its log: " + log + "\nIts last lines:\n" + tail(log)
                    + "\nIts standard output's last lines:\n" + tail(out.lines().toList()));
        }
        return RunReport.mapper().readTree(last.get());
    }

    private Path logFile(String what) throws IOException {
        Path logs = Files.createDirectories(workDir.resolve("logs"));
        return logs.resolve(what.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "")
                + ".log");
    }

    private static String tail(Path log) throws IOException {
        return tail(Files.readAllLines(log, StandardCharsets.UTF_8));
    }

    private static String tail(List<String> lines) {
        return String.join("\n", lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size()));
    }
}
