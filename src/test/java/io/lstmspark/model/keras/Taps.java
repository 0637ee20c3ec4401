package io.lstmspark.model.keras;

import io.lstmspark.model.BatchOutputs;
import io.lstmspark.model.BatchRunner;
import io.lstmspark.model.LoadedModel;
import io.lstmspark.model.ModelCall;
import io.lstmspark.model.ModelCallResolver;
import io.lstmspark.model.ModelInput;
import io.lstmspark.model.ModelRequest;
import io.lstmspark.model.ModelSource;
import io.lstmspark.model.SessionThreads;
import io.lstmspark.model.TensorRef;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;

/** Runs state taps the way the job does (plan, resolve, one batch through the runner), for tests. */
final class Taps {

    private Taps() {
    }

    static LoadedModel load(Path savedModel) {
        return LoadedModel.load(new ModelSource(savedModel.toString(), List.of("serve")), new SessionThreads(1, -1));
    }

    static ModelRequest request(LoadedModel model, String... columnEqualsRef) {
        Map<String, TensorRef> outputs = new LinkedHashMap<>();
        for (String entry : columnEqualsRef) {
            int eq = entry.indexOf('=');
            outputs.put(entry.substring(0, eq), TensorRef.parse(entry.substring(eq + 1)));
        }
        return new ModelRequest(model.source(), "serving_default", Optional.empty(), outputs);
    }

    /** The plan and the outputs of one batch of {@code windows} [n][length][features], by column. */
    record Run(StateTapPlanner.Plan plan, Map<String, float[]> outputs, int windows) {
        /** Window {@code w}'s values of a column. */
        float[] window(String column, int w) {
            float[] all = outputs.get(column);
            int size = all.length / windows;
            return java.util.Arrays.copyOfRange(all, w * size, (w + 1) * size);
        }
    }

    static Run run(LoadedModel model, double[][][] windows, String... columnEqualsRef) {
        int length = windows[0].length;
        int features = windows[0][0].length;
        ModelRequest request = request(model, columnEqualsRef);
        ModelInput modelInput = ModelInput.find(model, request);
        StateTapPlanner.Plan plan = StateTapPlanner.plan(model, request, modelInput, length, features, true)
                .orElseThrow();
        ModelCall call = ModelCallResolver.resolve(model, request.withExtension(plan.taps()),
                modelInput.windows(length, features));
        float[] flat = new float[windows.length * length * features];
        for (int w = 0; w < windows.length; w++) {
            for (int t = 0; t < length; t++) {
                for (int f = 0; f < features; f++) {
                    flat[(w * length + t) * features + f] = (float) windows[w][t][f];
                }
            }
        }
        Map<String, float[]> outputs = new LinkedHashMap<>();
        try (Tensor input = TFloat32.tensorOf(Shape.of(windows.length, length, features),
                DataBuffers.of(flat, true, false))) {
            BatchOutputs batch = new BatchRunner(call).run(model, input);
            for (int i = 0; i < call.outputs().size(); i++) {
                outputs.put(call.outputs().get(i).column(), (float[]) batch.values(i).array());
            }
        }
        return new Run(plan, outputs, windows.length);
    }
}
