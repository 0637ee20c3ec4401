package io.lstmspark.inspect;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.lstmspark.model.ModelSafety;
import io.lstmspark.model.keras.OtherRecurrentLayer;
import java.util.List;
import java.util.Map;

/**
 * What loading a model found of its Keras LSTM layers, as {@code inspect} shows it: the layers whose
 * states {@code lstm:<layer>.<part>} outputs compute, where each fact about them came from, and the
 * self-check of those taps against the model's own output; or why there are none.
 *
 * @param status               {@value #DISCOVERED}, {@value #NOT_AVAILABLE} (no Keras layers could be read:
 *                             see reason), {@value #NOT_LOADED} (risky ops: see riskyOps) or {@value #SKIPPED}
 *                             (--files-only)
 * @param signature            the signature whose input shape and output the self-check used
 * @param configSource         where the layers' configuration was read
 * @param layers               the model's LSTM layers, in order (lstm:0, lstm:1, ...)
 * @param otherRecurrentLayers recurrent layers that are not plain LSTMs, which taps refuse
 * @param head                 the layers after the last LSTM that the self-check reproduces
 * @param headProblem          why the layers after the last LSTM cannot be reproduced, if they cannot
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record StateTapsDescription(String status, String reason, List<ModelSafety.Finding> riskyOps, String signature,
                            String configSource, List<Layer> layers, List<OtherRecurrentLayer> otherRecurrentLayers,
                            List<HeadStep> head, String headProblem, SelfCheck selfCheck) {

    static final String DISCOVERED = "discovered";
    static final String NOT_AVAILABLE = "not_available";
    static final String NOT_LOADED = "not_loaded";
    static final String SKIPPED = "skipped";

    static StateTapsDescription notAvailable(String reason) {
        return new StateTapsDescription(NOT_AVAILABLE, reason, null, null, null, null, null, null, null, null);
    }

    static StateTapsDescription notLoaded(List<ModelSafety.Finding> riskyOps) {
        return new StateTapsDescription(NOT_LOADED, "the model holds operations lstm-spark does not run, so "
                + "inspect did not load it (the job refuses it too, unless model.allow-ops lists them)", riskyOps,
                null, null, null, null, null, null, null);
    }

    static StateTapsDescription skipped() {
        return new StateTapsDescription(SKIPPED, "--files-only: the model was not loaded", null, null, null, null,
                null, null, null, null);
    }

    boolean discovered() {
        return status.equals(DISCOVERED);
    }

    /**
     * One Keras LSTM layer.
     *
     * @param position            what lstm:N addresses
     * @param features            input features per step
     * @param activation          null when the model records none and the self-check did not settle it
     * @param returnSequences     null when the model does not record it (Keras 3 exports)
     * @param unitForgetBias      null when the model does not record it
     * @param problem             why its states cannot be tapped, if they cannot
     * @param sources             fact → where it was read
     * @param outputs             part → the {@code outputs} value that taps it; null when it cannot be tapped
     */
    record Layer(String name, int position, int units, int features, String activation, String recurrentActivation,
                 Boolean returnSequences, boolean useBias, Boolean unitForgetBias, String problem,
                 Map<String, String> sources, Map<String, String> outputs) {
    }

    /** A layer after the last LSTM: dense, activation, or identity (Dropout and kin at inference). */
    record HeadStep(String name, String kind, String activation) {
    }

    /**
     * The self-check: {@value #PASSED}, {@value #FAILED} or {@value #NOT_CHECKED} (why in detail).
     *
     * @param windowLength  steps of the random windows fed (null when not checked)
     * @param features      features per step of those windows (null when not checked)
     * @param windows       how many windows were compared
     * @param maxDifference largest |taps - model| / max(1, |model|); null when not compared
     */
    record SelfCheck(String status, String detail, Integer windowLength, Integer features, int windows,
                     Double maxDifference) {

        static final String PASSED = "passed";
        static final String FAILED = "failed";
        static final String NOT_CHECKED = "not_checked";

        static SelfCheck notChecked(String why) {
            return new SelfCheck(NOT_CHECKED, why, null, null, 0, null);
        }
    }
}
