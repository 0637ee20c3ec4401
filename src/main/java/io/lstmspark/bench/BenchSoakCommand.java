package io.lstmspark.bench;

import io.lstmspark.model.LoadedModel;
import io.lstmspark.model.SessionThreads;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bench-soak}: the resident-memory soak of {@code bench} in a JVM of its own (fixed, pre-touched
 * heap), so that growth in resident memory is native memory. Prints one JSON line.
 */
@Command(name = "bench-soak", hidden = true, description = "Runs the resident-memory soak (used by bench).")
public final class BenchSoakCommand implements Callable<Integer> {

    @Mixin
    BenchModelOptions model;

    @Option(names = "--batches", required = true)
    int batches;

    @Override
    public Integer call() throws Exception {
        Soak.Result soak;
        try (LoadedModel loaded = model.load(new SessionThreads(1, -1))) {
            soak = Soak.run(loaded, model.call(loaded), batches, BenchCommand.LENGTH, BenchCommand.FEATURES,
                    BenchCommand.BATCH);
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("batches", soak.batches());
        result.put("warmup_batches", soak.warmupBatches());
        result.put("rss_after_warmup", soak.rssAfterWarmup());
        result.put("rss_at_end", soak.rssAtEnd());
        ChildJvm.printResult(result);
        return 0;
    }
}
