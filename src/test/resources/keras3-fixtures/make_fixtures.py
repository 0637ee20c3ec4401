"""Makes the tiny Keras 3 SavedModels the state-tap tests use (TF 2.21 / Keras 3, CPU).

    python make_fixtures.py      # from this directory; writes relu_stacked_lstm/ and gru/

relu_stacked_lstm: LSTM(5, relu, return_sequences) -> LSTM(4, relu) -> Dense(2), windows [?, 6, 3].
  expected.json: the windows, Keras' own output, and every LSTM layer's hidden-state sequence and final
  hidden and cell states as Keras computes them (a functional twin of the same layers with return_state).
gru: GRU(4) -> Dense(1), windows [?, 6, 3]: a recurrent model that is not an LSTM.
Both are exported with model.export (no Keras layer configuration is saved).
"""
import json
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import numpy as np
import keras
import tensorflow as tf

keras.utils.set_random_seed(7)
LENGTH, FEATURES = 6, 3


def relu_stacked_lstm():
    inputs = keras.Input((LENGTH, FEATURES), name="windows")
    first = keras.layers.LSTM(5, activation="relu", return_sequences=True, return_state=True, name="lstm_relu_a")
    second = keras.layers.LSTM(4, activation="relu", return_state=True, name="lstm_relu_b")
    head = keras.layers.Dense(2, name="head")
    seq_a, h_a, c_a = first(inputs)
    h_b_out, h_b, c_b = second(seq_a)
    output = head(h_b_out)
    model = keras.Model(inputs, output)
    probe = keras.Model(inputs, [output, seq_a, h_a, c_a, h_b, c_b])
    # Biases away from zero, so that a missing bias cannot go unnoticed.
    for layer in (first, second, head):
        weights = layer.get_weights()
        weights[-1] = weights[-1] + np.linspace(-0.5, 0.5, weights[-1].size).astype("float32")
        layer.set_weights(weights)
    model.export("relu_stacked_lstm/saved_model", format="tf_saved_model")
    windows = np.random.default_rng(3).normal(size=(4, LENGTH, FEATURES)).astype("float32")
    out, seq_a, h_a, c_a, h_b, c_b = (np.asarray(t) for t in probe(windows))
    with open("relu_stacked_lstm/expected.json", "w") as f:
        json.dump({"inputs": windows.tolist(), "output": out.tolist(),
                   "lstm_states": {"lstm_relu_a": {"h_seq": seq_a.tolist(), "h": h_a.tolist(), "c": c_a.tolist()},
                                   "lstm_relu_b": {"h": h_b.tolist(), "c": c_b.tolist()}}}, f)


def gru():
    model = keras.Sequential([keras.Input((LENGTH, FEATURES)), keras.layers.GRU(4, name="gru"),
                              keras.layers.Dense(1, name="head")])
    model.export("gru/saved_model", format="tf_saved_model")


if __name__ == "__main__":
    relu_stacked_lstm()
    gru()
