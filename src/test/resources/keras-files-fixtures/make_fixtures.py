"""Makes the small Keras files the Keras-file tests read (TF 2.21 / Keras 3, CPU).

    python make_fixtures.py      # from this directory

Each model is saved twice, as Keras 3 writes whole models: NAME.keras (zip) and NAME.h5 (legacy HDF5),
with NAME.expected.json beside them:
  inputs.x1      [4, T, F] windows, x1[i] = sin(0.37 i + 0.5) over the flat index i (as in shared/keras-files)
  outputs        per model output, by position (output_0, ...), what Keras computes on x1
  lstm_states    per LSTM layer: h, c [4, units], h_seq, c_seq [4, T, units], from a copy of the layer
                 (return_sequences, return_state) run on the layer's input; c_seq from copies run on prefixes
  stream         for models whose recurrent state can be carried: a series of 3 T steps (same formula,
                 batch 1), the model output and every LSTM layer's h at the end of each T-step chunk, and
                 every LSTM layer's h and the model's output at every step (lstm_h_seq, output_0_seq),
                 computed by copies of the recurrent layers run over the whole series in one call (one
                 uninterrupted run)
Biases are moved away from zero so that a missing bias cannot go unnoticed.

forecaster.keras: the benchmark's model (models/forecaster_keras3, a model.export) as a .keras file, its
weights copied from the export's variables and its output checked equal to the export's, so that
`bench --keras-file` compares the same model in both formats.

functional_dag_keras2.h5: functional_dag.h5 with its model_config rewritten as Keras 2 writes functional
models (class Functional, inbound_nodes as [[["layer", 0, 0, {}]]], keras_version 2.15.0), for the Keras 2
functional config reader; its expected values are functional_dag's.

open_steps: an input of shape (None, 3), saved like the others; its expected values are for windows of 6 steps.

Files for refusals: custom_layer.keras (a Lambda layer), nan_weights.h5 (a Dense kernel holding NaN),
mismatch.keras (config.json says LSTM units 7, the weights are for 6), linked_weights.h5 (a Dense kernel
replaced by an HDF5 external link to another file).
"""
import json
import os
import zipfile

import h5py

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import numpy as np
import keras
import tensorflow as tf

L = keras.layers


def formula(shape):
    i = np.arange(int(np.prod(shape)), dtype=np.float64)
    return np.sin(0.37 * i + 0.5).reshape(shape).astype(keras.config.floatx())


def nudge_biases(model):
    for layer in model.layers:
        weights = layer.get_weights()
        if not weights:
            continue
        rng = np.random.default_rng(len(layer.name))
        layer.set_weights([w + rng.uniform(-0.3, 0.3, w.shape).astype(w.dtype) for w in weights])


def lstm_states(model, x):
    states = {}
    for layer in model.layers:
        if type(layer) is not L.LSTM:
            continue
        layer_in = keras.Model(model.inputs, layer.input)(x)
        config = dict(layer.get_config(), return_sequences=True, return_state=True, name=layer.name + "_copy")
        copy = L.LSTM.from_config(config)
        copy.build(layer_in.shape)
        copy.set_weights(layer.get_weights())
        h_seq, h, c = (np.asarray(t) for t in copy(layer_in))
        states[layer.name] = {"h": h.tolist(), "c": c.tolist(), "h_seq": h_seq.tolist()}
        if not layer.go_backwards:  # a prefix of the input is a prefix of the run only going forwards
            c_seq = [np.asarray(copy(layer_in[:, : t + 1])[2]) for t in range(layer_in.shape[1])]
            states[layer.name]["c_seq"] = np.stack(c_seq, axis=1).tolist()
    return states


def stream(model, steps, features):
    """Per T-step chunk of one 3 T series: the output and each LSTM's h, from one run over the whole series."""
    series = formula((1, 3 * steps, features))
    x = series
    hs = {}
    for layer in model.layers:
        if type(layer) in (L.LSTM, L.GRU, L.SimpleRNN):
            # Every step's state: the head below then computes the output at every step of the series.
            config = dict(layer.get_config(), return_sequences=True, name=layer.name + "_long")
            long = type(layer).from_config(config)
            long.build(x.shape)
            long.set_weights(layer.get_weights())
            x = np.asarray(long(x))
            if type(layer) is L.LSTM:
                hs[layer.name] = x
        else:
            x = np.asarray(layer(x))
    chunk_ends = [(k + 1) * steps - 1 for k in range(3)]
    return {"series": series[0].tolist(), "chunk_length": steps,
            "output_0": [x[0, t].tolist() for t in chunk_ends],
            "lstm_h": {name: [seq[0, t].tolist() for t in chunk_ends] for name, seq in hs.items()},
            "lstm_h_seq": {name: seq[0].tolist() for name, seq in hs.items()},
            "output_0_seq": x[0].tolist()}


def save(name, model, steps, features, with_stream=False):
    nudge_biases(model)
    x = formula((4, steps, features))
    outputs = model(x)
    outputs = outputs if isinstance(outputs, (list, tuple)) else [outputs]
    expected = {"model": name, "keras_version": keras.__version__, "tensorflow": tf.__version__,
                "input_shape": [None, steps, features],
                "inputs": {"x1": x.tolist()},
                "outputs": {f"output_{i}": np.asarray(o).tolist() for i, o in enumerate(outputs)},
                "output_names": [o.name if hasattr(o, "name") else None for o in model.outputs],
                "output_layers": [t._keras_history[0].name for t in model.outputs],
                "lstm_states": lstm_states(model, x)}
    if with_stream:
        expected["stream"] = stream(model, steps, features)
    model.save(name + ".keras")
    model.save(name + ".h5")
    with open(name + ".expected.json", "w") as f:
        json.dump(expected, f)


def stacked_lstm():
    # relu and hard_sigmoid as configured, no bias on the second layer, an identity Dropout in the head.
    model = keras.Sequential([
        keras.Input((6, 3), name="windows"),
        L.LSTM(5, activation="relu", return_sequences=True, name="lstm_a"),
        L.LSTM(4, recurrent_activation="hard_sigmoid", use_bias=False, name="lstm_b"),
        L.Dense(3, activation="tanh", name="hidden"),
        L.Dropout(0.5),
        L.Dense(2, name="forecast"),
    ])
    save("stacked_lstm", model, 6, 3, with_stream=True)


def stacked_gru_rnn():
    # Every layer per step, so that the model's own output is a sequence stream mode can write.
    model = keras.Sequential([
        keras.Input((5, 2)),
        L.GRU(4, return_sequences=True, name="gru"),
        L.SimpleRNN(3, return_sequences=True, activation="relu", name="rnn"),
        L.TimeDistributed(L.Dense(1), name="per_step"),
    ])
    save("stacked_gru_rnn", model, 5, 2, with_stream=True)


def recurrent_kinds():
    model = keras.Sequential([
        keras.Input((7, 2)),
        L.GRU(5, return_sequences=True, reset_after=True, name="gru_after"),
        L.GRU(4, return_sequences=True, reset_after=False, go_backwards=True, name="gru_before"),
        L.SimpleRNN(3, return_sequences=True, activation="tanh", name="rnn"),
        L.LSTM(3, go_backwards=True, activation="sigmoid", recurrent_activation="tanh", name="lstm_back"),
        L.Dense(1),
    ])
    save("recurrent_kinds", model, 7, 2)


def bidirectional():
    inputs = keras.Input((5, 3), name="x")
    y = L.Bidirectional(L.LSTM(4, return_sequences=True), merge_mode="concat", name="bi_concat")(inputs)
    y = L.Bidirectional(L.GRU(3, return_sequences=True), merge_mode="sum", name="bi_sum")(y)
    y = L.Bidirectional(L.SimpleRNN(3, return_sequences=True), merge_mode="mul", name="bi_mul")(y)
    y = L.Bidirectional(L.LSTM(2), merge_mode="ave", name="bi_ave")(y)
    outputs = L.Dense(1, name="out")(y)
    save("bidirectional", keras.Model(inputs, outputs), 5, 3)


def conv_pool():
    model = keras.Sequential([
        keras.Input((16, 2)),
        L.Conv1D(4, 3, padding="causal", dilation_rate=2, activation="relu", name="conv_causal"),
        L.MaxPooling1D(2, name="max_pool"),
        L.Conv1D(3, 2, padding="same", activation="elu", name="conv_same"),
        L.AveragePooling1D(3, strides=2, padding="same", name="avg_pool"),
        L.Conv1D(3, 2, strides=2, padding="valid", name="conv_valid"),
        L.BatchNormalization(name="norm"),
        L.LSTM(5, return_sequences=True, name="lstm"),
        L.TimeDistributed(L.Dense(2, activation="softmax"), name="per_step"),
        L.Flatten(),
        L.Reshape((2, 2)),
        L.GlobalAveragePooling1D(),
        L.Activation("swish"),
    ])
    model.layers[5].set_weights([w + 0.5 for w in model.layers[5].get_weights()])
    save("conv_pool", model, 16, 2)


def functional_dag():
    inputs = keras.Input((6, 4), name="series")
    a = L.LSTM(6, return_sequences=True, name="enc_a")(inputs)
    b = L.TimeDistributed(L.Dense(3, activation="selu"), name="proj")(inputs)
    merged = L.Concatenate(name="join")([a, b])
    h = L.LSTM(5, name="enc_b")(merged)
    skip = L.LSTM(5, name="skip", unroll=True)(inputs)
    summed = L.Add(name="sum")([h, skip])
    repeated = L.RepeatVector(3, name="repeat")(summed)
    decoded = L.LSTM(4, return_sequences=True, name="decoder")(repeated)
    steps = L.TimeDistributed(L.Dense(1), name="steps_out")(decoded)
    forecast = L.Dense(2, name="forecast")(summed)
    aux = L.Activation("softplus", name="aux")(forecast)
    save("functional_dag", keras.Model(inputs, [forecast, steps, aux]), 6, 4)


def float64_lstm():
    keras.config.set_floatx("float64")
    try:
        model = keras.Sequential([keras.Input((4, 2), dtype="float64"), L.LSTM(3, name="lstm64", dtype="float64"),
                                  L.Dense(1, name="out64", dtype="float64")])
        save("float64_lstm", model, 4, 2)
    finally:
        keras.config.set_floatx("float32")


def forecaster():
    export = tf.saved_model.load("../models/forecaster_keras3/saved_model")
    weights = {v.name.split("/", 1)[1]: v.numpy() for v in export.variables if v.name.startswith("sequential/")}
    model = keras.Sequential([keras.Input((48, 8)), L.LSTM(64, name="lstm"), L.Dense(1, name="dense")])
    model.layers[0].set_weights([weights["lstm/lstm_cell/kernel:0"], weights["lstm/lstm_cell/recurrent_kernel:0"],
                                 weights["lstm/lstm_cell/bias:0"]])
    model.layers[1].set_weights([weights["dense/kernel:0"], weights["dense/bias:0"]])
    x = formula((4, 48, 8))
    ours = np.asarray(model(x))
    theirs = np.asarray(export.serve(tf.constant(x)))
    assert np.allclose(ours, theirs, rtol=1e-5, atol=1e-6), (ours, theirs)
    model.save("forecaster.keras")
    with open("forecaster.expected.json", "w") as f:
        json.dump({"model": "forecaster", "keras_version": keras.__version__, "input_shape": [None, 48, 8],
                   "inputs": {"x1": x.tolist()}, "outputs": {"output_0": theirs.tolist()},
                   "lstm_states": {name: {"h": states["h"], "c": states["c"]}
                                   for name, states in lstm_states(model, x).items()}}, f)


def keras2_functional_config():
    import shutil
    shutil.copy("functional_dag.h5", "functional_dag_keras2.h5")
    with h5py.File("functional_dag_keras2.h5", "r+") as f:
        config = json.loads(f.attrs["model_config"])
        for layer in config["config"]["layers"]:
            nodes = []
            for node in layer["inbound_nodes"]:
                tensors = []

                def collect(value):
                    if isinstance(value, dict) and value.get("class_name") == "__keras_tensor__":
                        tensors.append(value["config"]["keras_history"])
                    elif isinstance(value, (list, tuple)):
                        for item in value:
                            collect(item)
                collect(node["args"])
                nodes.append([[name, node_index, tensor_index, {}] for name, node_index, tensor_index in tensors])
            layer["inbound_nodes"] = nodes
            layer["config"]["dtype"] = "float32"
            layer.pop("module", None)
            layer.pop("registered_name", None)
        inputs = config["config"]["input_layers"]
        config["config"]["input_layers"] = inputs if isinstance(inputs[0], list) else [inputs]
        f.attrs["model_config"] = json.dumps(config)
        f.attrs["keras_version"] = "2.15.0"
    shutil.copy("functional_dag.expected.json", "functional_dag_keras2.expected.json")


def open_steps():
    # Input(shape=(None, F)): the number of steps is open; the job builds it for window.length.
    keras.utils.set_random_seed(23)
    model = keras.Sequential([
        keras.Input((None, 3), name="windows"),
        L.LSTM(5, return_sequences=True, name="lstm_a"),
        L.LSTM(4, name="lstm_b"),
        L.Dense(2, name="forecast"),
    ])
    save("open_steps", model, 6, 3)


def refusals():
    model = keras.Sequential([keras.Input((4, 2)), L.LSTM(3, name="lstm"),
                              L.Lambda(lambda t: t * 2.0, name="doubled")])
    model.save("custom_layer.keras")

    model = keras.Sequential([keras.Input((4, 2)), L.LSTM(3, name="lstm"), L.Dense(1, name="head")])
    kernel, bias = model.layers[1].get_weights()
    kernel[1, 0] = np.nan
    model.layers[1].set_weights([kernel, bias])
    model.save("nan_weights.h5")

    model = keras.Sequential([keras.Input((4, 2)), L.LSTM(6, name="lstm"), L.Dense(1, name="head")])
    model.save("mismatch_source.keras")
    with zipfile.ZipFile("mismatch_source.keras") as source, zipfile.ZipFile("mismatch.keras", "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "config.json":
                config = json.loads(data)
                config["config"]["layers"][1]["config"]["units"] = 7
                data = json.dumps(config).encode()
            target.writestr(item, data)
    os.remove("mismatch_source.keras")

    model = keras.Sequential([keras.Input((4, 2)), L.LSTM(3, name="lstm"), L.Dense(1, name="head")])
    model.save("linked_weights.h5")
    with h5py.File("linked_weights.h5", "r+") as f:
        group = f["model_weights/head"]
        kernel = [n.decode() if isinstance(n, bytes) else n for n in group.attrs["weight_names"]][0]
        del group[kernel]
        group[kernel] = h5py.ExternalLink("/etc/other.h5", "/data")


if __name__ == "__main__":
    keras.utils.set_random_seed(11)
    stacked_lstm()
    recurrent_kinds()
    bidirectional()
    stacked_gru_rnn()
    conv_pool()
    functional_dag()
    float64_lstm()
    forecaster()
    keras2_functional_config()
    refusals()
    open_steps()
