package io.lstmspark.driver;

import io.lstmspark.config.ConfigException;
import io.lstmspark.config.JobConfig;
import io.lstmspark.config.WindowMode;
import io.lstmspark.model.ModelCache;
import io.lstmspark.model.ModelCall;
import io.lstmspark.model.ModelCallResolver;
import io.lstmspark.model.ModelFingerprint;
import io.lstmspark.model.ModelFormat;
import io.lstmspark.model.ModelInput;
import io.lstmspark.model.ModelKey;
import io.lstmspark.model.ModelRequest;
import io.lstmspark.model.ModelSafety;
import io.lstmspark.model.ModelSource;
import io.lstmspark.model.SessionThreads;
import io.lstmspark.model.TensorRef;
import io.lstmspark.model.keras.StateTapPlanner;
import io.lstmspark.model.kerasfile.KerasFileStates;
import io.lstmspark.task.ModelLocation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model as the driver checked it: where it is, what the job calls, and how executors find it.
 *
 * @param given       model.path as configured; executors resolve it themselves (ModelLocation)
 * @param key         what executors load: the given path, thread settings and fingerprint
 * @param loadedNow   the driver's check loaded the model (its JVM had no session for it yet)
 */
record CheckedModel(ModelSource given, ModelFormat format, String fingerprint,
                    ModelKey key, ModelCall call, int windowLength, BatchSizing batch,
                    Optional<StateTapPlanner.Plan> taps, boolean loadedNow) {

    private static final Logger LOG = LoggerFactory.getLogger(CheckedModel.class);

    /** Scans, loads and resolves the model on the driver, so that a bad model fails before any task runs. */
    static CheckedModel check(SparkSession spark, JobConfig config) {
        JobConfig.Input in = config.input();
        ModelSource given = new ModelSource(config.model().path(), config.model().tags(),
                config.window().length().orElse(0));
        ModelSource source = ModelLocation.onThisJvm(given);
        ModelRequest request = modelRequest(config, source);
        for (ModelSafety.Finding allowed : ModelSafety.check(source, config.model().allowOps(),
                request.graphTensors())) {
            LOG.warn("Model {} runs {}, allowed by model.allow-ops", source.path(), allowed);
        }
        String fingerprint = ModelFingerprint.of(source.localPath());
        SessionThreads threads = ThreadPolicy.sessionThreads(spark, config.model());
        // The driver checks the model with the same cached session its JVM's tasks will use (local mode).
        ModelCache.Lookup probe = ModelCache.getOrLoad(new ModelKey(source, threads, fingerprint));
        ModelInput input = ModelInput.find(probe.model(), request);
        int windowLength = config.window().length().isPresent() ? config.window().length().getAsInt()
                : input.declaredWindowLength(in.features().size())
                .orElseThrow(() -> new ConfigException("window.length is not set and model " + source.path()
                        + " does not declare its input length: set window.length"));
        Optional<KerasFileStates> kerasStates = KerasFileStates.of(probe.model(), request);
        if (kerasStates.isPresent()) {
            // A Keras file's graph is lstm-spark's own: its LSTM states are outputs, its recurrent states carried.
            request = request.withExtension(kerasStates.get());
            if (config.mode() == WindowMode.STREAM && request.states().isEmpty()) {
                request = request.withStates(KerasFileStates.streamStates(probe.model()));
            }
        }
        // Stream mode feeds the taps the state carried from the previous chunk; the model's output starts from zeros.
        Optional<StateTapPlanner.Plan> taps = kerasStates.isPresent() ? Optional.empty()
                : StateTapPlanner.plan(probe.model(), request, input, windowLength, in.features().size(),
                config.model().outputFromTaps() && config.mode() != WindowMode.STREAM);
        if (taps.isPresent()) {
            request = request.withExtension(taps.get().taps());
            if (config.mode() == WindowMode.STREAM && request.states().isEmpty()) {
                // Tapped layers carry their own states from chunk to chunk.
                request = request.withStates(taps.get().taps().carriedStates());
            }
        }
        ModelCall call = ModelCallResolver.resolve(probe.model(), request,
                input.windows(windowLength, in.features().size()));
        BatchSizing batch = BatchSizing.of(call, windowLength, in.features().size(), config.batchSize(),
                config.batchMaxBytes());
        if (batch.reduced()) {
            LOG.info("Batches of {} windows instead of batch.size {}: {} bytes of native memory per window, "
                    + "batch.max-bytes {}", batch.windows(), batch.requested(), batch.bytesPerWindow(),
                    batch.maxBytes());
        }
        if (batch.fixedByModel()) {
            LOG.info("Batches of {} windows, the batch size model {} is fixed to (batch.size {} does not apply); "
                    + "a short batch is filled up with zero windows", batch.windows(), source.path(),
                    batch.requested());
        }
        LOG.info("Model {} ({}): input {} {}, outputs {}", source.path(), fingerprint, call.inputTensor(),
                Arrays.toString(call.inputWindowShape()), config.outputs());
        return new CheckedModel(given, source.format(), fingerprint, new ModelKey(given, threads, fingerprint),
                call, windowLength, batch, taps, probe.loadedNow());
    }

    private static ModelRequest modelRequest(JobConfig config, ModelSource source) {
        Map<String, TensorRef> outputs = new LinkedHashMap<>();
        config.outputs().forEach((column, ref) -> outputs.put(column, TensorRef.parse(ref)));
        List<ModelRequest.StatePair> states = new ArrayList<>();
        for (int s = 0; s < config.model().stateInputs().size(); s++) {
            states.add(new ModelRequest.StatePair(TensorRef.parse(config.model().stateInputs().get(s)),
                    TensorRef.parse(config.model().stateOutputs().get(s))));
        }
        return new ModelRequest(source, config.model().signature(), config.model().input().map(TensorRef::parse),
                outputs, states, List.of());
    }
}
