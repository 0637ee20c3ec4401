package io.lstmspark.model.keras;

import java.util.Optional;

/**
 * A layer between the last LSTM and the model's output that the self-check reproduces: a Dense
 * layer, an Activation layer, or a layer that is the identity at inference (Dropout and kin).
 */
public record HeadLayer(String name, Kind kind, Optional<LayerVariable> kernel, Optional<LayerVariable> bias,
                        Activation activation, String source) {

    public enum Kind { DENSE, ACTIVATION, IDENTITY }

    static HeadLayer identity(String name, String source) {
        return new HeadLayer(name, Kind.IDENTITY, Optional.empty(), Optional.empty(), Activation.LINEAR, source);
    }
}
