package io.lstmspark.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * (a) as the best configuration TensorFlow offers on this machine, and the machine's limit for the
 * model: each intra-op pool size in a JVM of its own ({@link BenchSessionCommand}), 1..N concurrent
 * callers on one session, several batch sizes; the fp32 GEMM peak measured the same way; the bound is
 * that peak over the model's FLOPs per window.
 *
 * @param configurations every configuration tried, with its rate
 * @param peakFlops      the best GEMM rate over the thread settings tried
 * @param peakSetting    the thread setting it was measured with
 * @param flops          the model's FLOPs per window
 */
record MachineBound(List<Configuration> configurations, double peakFlops, String peakSetting, ModelFlops flops) {

    static final List<Integer> BATCHES = List.of(BenchCommand.BATCH, 512, 1024, 2048);

    /** One way to run (a): intra-op threads per session, concurrent callers on it, windows per call. */
    record Configuration(int intraOp, int callers, int batch, double windowsPerSecond) {

        /** Spark's CPUs per task that give this many concurrent tasks on {@code cores} task slots. */
        int taskCpus(int cores) {
            return Math.max(1, cores / callers);
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "intra-op %d, %d caller%s, batch %d", intraOp, callers,
                    callers == 1 ? "" : "s", batch);
        }
    }

    static MachineBound measure(ChildJvm jvms, Path model, String forecastOutput, int cores, long windows)
            throws Exception {
        List<Configuration> configurations = new ArrayList<>();
        double peak = 0;
        String peakSetting = "";
        ModelFlops flops = null;
        String callers = new TreeSet<>(List.of(1, cores)).stream().map(String::valueOf)
                .collect(Collectors.joining(","));
        for (int intraOp : new TreeSet<>(List.of(1, cores))) {
            JsonNode result = jvms.run(List.of("bench-session", "--model=" + model,
                    "--forecast-output=" + forecastOutput, "--intra-op-threads=" + intraOp, "--callers=" + callers,
                    "--batches=" + BATCHES.stream().map(String::valueOf).collect(Collectors.joining(",")),
                    "--windows=" + windows), "(a)'s configurations, intra-op " + intraOp);
            flops = new ModelFlops(result.get("lstm_flops").asLong(), result.get("head_flops").asLong());
            for (JsonNode c : result.get("configurations")) {
                configurations.add(new Configuration(intraOp, c.get("callers").asInt(), c.get("batch").asInt(),
                        c.get("windows_per_second").asDouble()));
            }
            for (JsonNode g : result.get("gemm")) {
                if (g.get("flops_per_second").asDouble() > peak) {
                    peak = g.get("flops_per_second").asDouble();
                    peakSetting = "intra-op " + intraOp + ", " + g.get("callers").asInt() + " concurrent";
                }
            }
        }
        return new MachineBound(configurations, peak, peakSetting, flops);
    }

    Configuration best() {
        return configurations.stream().max(Comparator.comparingDouble(Configuration::windowsPerSecond))
                .orElseThrow();
    }

    /** Windows per second the GEMM peak allows the model's products. */
    double bound() {
        return peakFlops / flops.perWindow();
    }

    /** The rows: the limit, (a) against it, and every configuration tried. */
    String rows() {
        Configuration best = best();
        StringBuilder t = new StringBuilder();
        t.append(String.format(Locale.ROOT, "| (a) against the machine's limit: TensorFlow's fp32 GEMM peak "
                        + "(%d^3 MatMul, best of 5), the model's FLOPs per window (LSTM 2 T 4H (F+H) per layer, "
                        + "head Dense 2 in out; element-wise gate work not counted), bound = peak / FLOPs | "
                        + "peak %.0f GFLOP/s (%s); %.3f MFLOP/window (LSTM %,d, head %,d); bound %,.0f windows/s; "
                        + "(a) %,.0f windows/s = %.2f of the bound | >= 0.6 %s |%n",
                GemmPeak.SIZE, peakFlops / 1e9, peakSetting, flops.perWindow() / 1e6, flops.lstm(), flops.head(),
                bound(), best.windowsPerSecond(), best.windowsPerSecond() / bound(),
                best.windowsPerSecond() / bound() >= 0.6 ? "(met)" : "(missed)"));
        t.append("| (a) configurations tried (one session per JVM; callers = concurrent task slots) | ")
                .append(configurations.stream().map(c -> String.format(Locale.ROOT, "%s: %,.0f", c,
                        c.windowsPerSecond())).collect(Collectors.joining("; ")))
                .append("; best: ").append(best).append(" |  |\n");
        return t.toString();
    }
}
