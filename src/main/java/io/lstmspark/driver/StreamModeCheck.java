package io.lstmspark.driver;

import io.lstmspark.config.ConfigException;
import io.lstmspark.config.JobConfig;
import io.lstmspark.model.ModelCall;
import java.util.Arrays;

/** Stream mode carries state and writes per-step outputs; says why when the configuration cannot. */
final class StreamModeCheck {

    private StreamModeCheck() {
    }

    static void check(JobConfig config, ModelCall call, int chunkLength) {
        if (config.input().onBad() == JobConfig.BadInput.QUARANTINE) {
            throw new ConfigException("input.on-bad = quarantine cannot be used with mode = stream: a step set "
                    + "aside would shift every later state of its series; fix the input, or use mode = extract");
        }
        if (config.window().maxGap().isPresent()) {
            throw new ConfigException("window.max-gap cannot be used with mode = stream, which carries the state "
                    + "across every step of a series");
        }
        if (call.states().isEmpty()) {
            throw new ConfigException("mode = stream carries the LSTM's state from chunk to chunk, but model "
                    + config.model().path() + " was given no state to carry: tap its LSTM layers "
                    + "(outputs such as h = \"lstm:0.sequence\"), or set model.state-inputs and "
                    + "model.state-outputs to the model's own initial-state inputs and final-state outputs");
        }
        for (ModelCall.FetchedOutput output : call.outputs()) {
            if (output.rank() == 0 || output.windowShape()[0] != chunkLength) {
                throw new ConfigException("outputs." + output.column() + " (" + output.ref() + ") has shape "
                        + Arrays.toString(output.windowShape()) + " per chunk; stream mode writes per-step outputs, "
                        + "shaped [" + chunkLength + ", ...] for chunks of window.length " + chunkLength
                        + " steps: choose an output sequence");
            }
        }
    }
}
