package io.lstmspark.bench;

import io.lstmspark.model.LoadedModel;
import io.lstmspark.model.ModelCall;
import io.lstmspark.model.ModelSource;
import io.lstmspark.model.SessionThreads;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/** The benchmark's model, as its child commands take it (a picocli mixin), and the call (a) makes on it. */
final class BenchModelOptions {

    @Option(names = "--model", required = true)
    Path model;

    @Option(names = "--forecast-output", required = true)
    String forecastOutput;

    LoadedModel load(SessionThreads threads) {
        return LoadedModel.load(new ModelSource(model.toString(), List.of("serve")), threads);
    }

    /** The forecast and the hidden state through a state tap, as job (b) fetches them. */
    ModelCall call(LoadedModel loaded) {
        return SessionRates.call(loaded, model, SessionRates.forecastAndHiddenState(forecastOutput), true);
    }
}
