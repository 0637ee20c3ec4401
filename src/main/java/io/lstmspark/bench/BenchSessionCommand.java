package io.lstmspark.bench;

import io.lstmspark.model.LoadedModel;
import io.lstmspark.model.ModelCall;
import io.lstmspark.model.SessionThreads;
import io.lstmspark.model.keras.StateTaps;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bench-session}: (a)'s configurations for one intra-op pool size, in a JVM of its own
 * (TensorFlow sizes its intra-op pool once per process, from the first session): the benchmark's call
 * with 1..N concurrent callers on one session at each batch size, TensorFlow's GEMM rate with as many
 * callers, and the model's FLOPs per window. Prints one JSON line.
 */
@Command(name = "bench-session", hidden = true,
        description = "Measures (a)'s configurations for one intra-op pool size (used by bench).")
public final class BenchSessionCommand implements Callable<Integer> {

    @Mixin
    BenchModelOptions model;

    @Option(names = "--intra-op-threads", required = true)
    int intraOp;

    @Option(names = "--callers", required = true, split = ",")
    List<Integer> callers;

    @Option(names = "--batches", required = true, split = ",")
    List<Integer> batches;

    @Option(names = "--windows", required = true)
    long windows;

    /**
     * Passes per configuration, taking turns, the best kept: with two, a slow pass of this VM (a fifth
     * below the configuration's other runs) could decide which configuration was best.
     */
    private static final int PASSES = 3;

    @Override
    public Integer call() throws Exception {
        SessionThreads threads = new SessionThreads(intraOp, -1);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("intra_op_threads", intraOp);
        try (LoadedModel loaded = model.load(threads)) {
            ModelCall call = model.call(loaded);
            StateTaps taps = call.extensions().stream().filter(StateTaps.class::isInstance)
                    .map(StateTaps.class::cast).findFirst().orElseThrow();
            ModelFlops flops = ModelFlops.of(taps, loaded.graph());
            result.put("lstm_flops", flops.lstm());
            result.put("head_flops", flops.head());
            Map<String, Double> rates = new LinkedHashMap<>();
            for (int pass = 0; pass < PASSES; pass++) {
                for (int batch : batches) {
                    for (int c : callers) {
                        double rate = SessionRates.sessionRuns(loaded, call, c, batch, windows);
                        rates.merge(c + "/" + batch, rate, Math::max);
                    }
                }
            }
            List<Map<String, Object>> configurations = new ArrayList<>();
            rates.forEach((key, rate) -> {
                String[] parts = key.split("/");
                configurations.add(Map.of("callers", Integer.parseInt(parts[0]),
                        "batch", Integer.parseInt(parts[1]), "windows_per_second", rate));
            });
            result.put("configurations", configurations);
            List<Map<String, Object>> gemm = new ArrayList<>();
            for (int c : callers) {
                gemm.add(Map.of("callers", c, "flops_per_second", GemmPeak.flopsPerSecond(threads, c)));
            }
            result.put("gemm", gemm);
        }
        ChildJvm.printResult(result);
        return 0;
    }
}
