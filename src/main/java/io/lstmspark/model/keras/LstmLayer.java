package io.lstmspark.model.keras;

import java.util.Map;
import java.util.Optional;

/**
 * One Keras LSTM layer of a model, as discovered from the model's own files.
 *
 * @param name                the Keras layer name
 * @param position            its position among the model's LSTM layers (what {@code lstm:N} addresses)
 * @param features            input features per step (the kernel's rows)
 * @param units               hidden units (the recurrent kernel's rows)
 * @param activation          applied to the candidate and the cell state; empty: the model records none
 * @param recurrentActivation applied to the input, forget and output gates; empty: the model records none
 * @param unitForgetBias      as recorded; it only shapes the bias at initialisation, so taps do not need it
 * @param returnSequences     as recorded
 * @param bias                absent when the layer was built with use_bias=False
 * @param problem             why states of this layer cannot be tapped, if they cannot
 * @param sources             fact → where it was read (config file, function body, weight shapes, ...)
 */
public record LstmLayer(String name, int position, int features, int units, Optional<Activation> activation,
                        Optional<Activation> recurrentActivation, Optional<Boolean> unitForgetBias,
                        Optional<Boolean> returnSequences, LayerVariable kernel, LayerVariable recurrentKernel,
                        Optional<LayerVariable> bias, Optional<String> problem, Map<String, String> sources) {

    public LstmLayer {
        sources = Map.copyOf(sources);
    }

    public boolean useBias() {
        return bias.isPresent();
    }

    /** The same layer with the activations settled (by self-validation, when the model records none). */
    LstmLayer withActivations(Activation settledActivation, Activation settledRecurrent, String source) {
        Map<String, String> settled = new java.util.TreeMap<>(sources);
        settled.put("activation", settledActivation + " (" + source + ")");
        settled.put("recurrent_activation", settledRecurrent + " (" + source + ")");
        return new LstmLayer(name, position, features, units, Optional.of(settledActivation),
                Optional.of(settledRecurrent), unitForgetBias, returnSequences, kernel, recurrentKernel, bias, problem,
                settled);
    }

    /** "lstm_8 (lstm:1, 64 units)". */
    public String label() {
        return name + " (lstm:" + position + ", " + units + " units)";
    }
}
