package io.lstmspark.bench;

import io.lstmspark.model.LoadedModel;
import io.lstmspark.model.ModelCall;
import io.lstmspark.model.ModelCallResolver;
import io.lstmspark.model.ModelInput;
import io.lstmspark.model.ModelRequest;
import io.lstmspark.model.ModelSource;
import io.lstmspark.model.TensorRef;
import io.lstmspark.model.SessionThreads;
import io.lstmspark.model.keras.StateTapPlanner;
import io.lstmspark.model.kerasfile.KerasFileStates;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;

/** TensorFlow alone, without Spark: the benchmark's model call and its rates on one shared session. */
final class SessionRates {

    private SessionRates() {
    }

    /**
     * Windows per second of TensorFlow alone, batch 256 unless said: the job's call (a), the same at
     * batch 1 (d), the same with the model's own graph computing the forecast too, and the model's own
     * forecast alone.
     */
    record TensorFlowRates(double call, double batchOne, double forecastByModel, double forecastOnly) {
    }

    /** (a), (d) and (a)'s two comparisons, on one session with one intra-op thread per stream. */
    static TensorFlowRates measure(LoadedModel loaded, Path model, Map<String, String> outputs, String forecastOutput,
                                   int streams, long windows) throws Exception {
        ModelCall call = call(loaded, model, outputs, true);
        return new TensorFlowRates(sessionRuns(loaded, call, streams, BenchCommand.BATCH, windows),
                sessionRuns(loaded, call, streams, 1, Math.min(windows, 5000)),
                sessionRuns(loaded, call(loaded, model, outputs, false), streams, BenchCommand.BATCH, windows),
                sessionRuns(loaded, forecastOnly(loaded, model, forecastOutput), streams, BenchCommand.BATCH,
                        windows));
    }

    /**
     * The benchmark's model call: the forecast and, through a state tap, the LSTM's hidden state; the
     * forecast from the taps (as the job computes it by default) or from the model's own graph.
     */
    static ModelCall call(LoadedModel loaded, Path model, Map<String, String> outputs, boolean forecastFromTaps) {
        ModelRequest request = request(model, outputs);
        ModelInput input = ModelInput.find(loaded, request);
        request = request.withExtension(StateTapPlanner.plan(loaded, request, input, BenchCommand.LENGTH,
                BenchCommand.FEATURES, forecastFromTaps).orElseThrow().taps());
        return ModelCallResolver.resolve(loaded, request, input.windows(BenchCommand.LENGTH, BenchCommand.FEATURES));
    }

    /** Row (h): TensorFlow alone on the model built from a Keras file and on its SavedModel export. */
    record KerasFileRates(double kerasFile, double savedModel) {
    }

    /**
     * Row (h)'s sessions: the same call (forecast and hidden state) on the model lstm-spark builds from
     * {@code kerasFile} and on its SavedModel export, the two taking turns so that both see the same load
     * on the machine (best of three turns each).
     */
    static KerasFileRates kerasFileAgainstExport(Path kerasFile, Path model, Map<String, String> outputs,
                                                 int streams, long windows) throws Exception {
        double keras = 0;
        double savedModel = 0;
        try (LoadedModel loaded = LoadedModel.load(new ModelSource(kerasFile.toString(), List.of("serve")),
                new SessionThreads(1, -1));
             LoadedModel export = LoadedModel.load(new ModelSource(model.toString(), List.of("serve")),
                     new SessionThreads(1, -1))) {
            ModelRequest request = request(kerasFile, outputs);
            request = request.withExtension(KerasFileStates.of(loaded, request).orElseThrow(() ->
                    new IllegalArgumentException("--keras-file " + kerasFile + " is not a Keras .keras or .h5 file")));
            ModelCall kerasCall = ModelCallResolver.resolve(loaded, request,
                    ModelInput.find(loaded, request).windows(BenchCommand.LENGTH, BenchCommand.FEATURES));
            ModelCall exportCall = call(export, model, outputs, true);
            for (int turn = 0; turn < 3; turn++) {
                savedModel = Math.max(savedModel,
                        sessionRuns(export, exportCall, streams, BenchCommand.BATCH, windows / 3));
                keras = Math.max(keras, sessionRuns(loaded, kerasCall, streams, BenchCommand.BATCH, windows / 3));
            }
        }
        return new KerasFileRates(keras, savedModel);
    }

    /** The model's forecast alone, without taps. */
    private static ModelCall forecastOnly(LoadedModel loaded, Path model, String forecastOutput) {
        ModelRequest request = request(model, Map.of("forecast", forecastOutput));
        return ModelCallResolver.resolve(loaded, request,
                ModelInput.find(loaded, request).windows(BenchCommand.LENGTH, BenchCommand.FEATURES));
    }

    static Map<String, String> forecastAndHiddenState(String forecastOutput) {
        Map<String, String> outputs = new LinkedHashMap<>();
        outputs.put("forecast", forecastOutput);
        outputs.put("hidden_state", "lstm:0.h");
        return outputs;
    }

    private static ModelRequest request(Path model, Map<String, String> outputs) {
        Map<String, TensorRef> refs = new LinkedHashMap<>();
        outputs.forEach((column, ref) -> refs.put(column, TensorRef.parse(ref)));
        return new ModelRequest(new ModelSource(model.toString(), List.of("serve")), "serving_default",
                Optional.empty(), refs);
    }

    /** Windows per second of {@code streams} threads running the call on one shared session. */
    static double sessionRuns(LoadedModel model, ModelCall call, int streams, int batch, long total)
            throws Exception {
        long runsPerStream = Math.max(1, total / batch / streams);
        Callable<Long> stream = () -> {
            try (Tensor input = TFloat32.tensorOf(Shape.of(batch, BenchCommand.LENGTH, BenchCommand.FEATURES))) {
                for (long r = 0; r < runsPerStream; r++) {
                    Session.Runner runner = model.session().runner().feed(call.inputTensor(), input);
                    call.outputs().forEach(o -> runner.fetch(o.tensorName()));
                    try (Result result = runner.run()) {
                        result.size();
                    }
                }
                return runsPerStream * batch;
            }
        };
        stream.call();
        ExecutorService pool = Executors.newFixedThreadPool(streams);
        try {
            long started = System.nanoTime();
            List<Future<Long>> done = new ArrayList<>();
            for (int s = 0; s < streams; s++) {
                done.add(pool.submit(stream));
            }
            long windows = 0;
            for (Future<Long> f : done) {
                windows += f.get();
            }
            return windows / ((System.nanoTime() - started) / 1e9);
        } finally {
            pool.shutdownNow();
        }
    }
}
