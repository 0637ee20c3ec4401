package io.lstmspark.bench;

import io.lstmspark.model.LoadedModel;
import io.lstmspark.model.ModelCall;
import io.lstmspark.model.ModelSource;
import io.lstmspark.model.SessionThreads;
import io.lstmspark.report.RunReport;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench-soak}: the resident-memory soak of {@code bench} in a JVM of its own (fixed, pre-touched
 * heap), so that growth in resident memory is native memory. Prints one JSON line.
 */
@Command(name = "bench-soak", hidden = true, description = "Runs the resident-memory soak (used by bench).")
public final class BenchSoakCommand implements Callable<Integer> {

    @Option(names = "--model", required = true)
    Path model;

    @Option(names = "--forecast-output", required = true)
    String forecastOutput;

    @Option(names = "--batches", required = true)
    int batches;

    @Override
    public Integer call() throws Exception {
        Soak.Result soak;
        try (LoadedModel loaded = LoadedModel.load(new ModelSource(model.toString(), List.of("serve")),
                new SessionThreads(1, -1))) {
            ModelCall call = SessionRates.call(loaded, model, SessionRates.forecastAndHiddenState(forecastOutput),
                    true);
            soak = Soak.run(loaded, call, batches, BenchCommand.LENGTH, BenchCommand.FEATURES, BenchCommand.BATCH);
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("batches", soak.batches());
        result.put("warmup_batches", soak.warmupBatches());
        result.put("rss_after_warmup", soak.rssAfterWarmup());
        result.put("rss_at_end", soak.rssAtEnd());
        System.out.println(RunReport.mapper()
                .disable(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT).writeValueAsString(result));
        return 0;
    }
}
