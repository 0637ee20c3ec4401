package io.lstmspark.model.keras;

/** A recurrent layer that is not a plain LSTM (GRU, SimpleRNN, Bidirectional, ...): named in refusals. */
public record OtherRecurrentLayer(String name, String kind) {
}
