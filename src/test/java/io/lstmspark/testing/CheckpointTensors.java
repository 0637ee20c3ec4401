package io.lstmspark.testing;

import java.nio.file.Path;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.train.Restore;
import org.tensorflow.types.TFloat32;

/**
 * Reads a SavedModel's weights straight from its checkpoint by key (RestoreV2 in a graph of its own),
 * independently of how lstm-spark finds them.
 */
public final class CheckpointTensors {

    private CheckpointTensors() {
    }

    /** A float32 tensor's values (row-major) and shape. */
    public record Values(float[] values, long[] shape) {
        public LstmOracle.Layer lstm(Values recurrent, Values bias, java.util.function.DoubleUnaryOperator activation) {
            int features = (int) shape[0];
            int units = (int) recurrent.shape()[0];
            return new LstmOracle.Layer(LstmOracle.matrix(values, features, 4 * units),
                    LstmOracle.matrix(recurrent.values(), units, 4 * units), LstmOracle.toDouble(bias.values()),
                    activation, LstmOracle.SIGMOID);
        }
    }

    /** The tensor saved under {@code key} + "/.ATTRIBUTES/VARIABLE_VALUE". */
    public static Values read(Path savedModel, String key) {
        try (Graph graph = new Graph(); Session session = new Session(graph)) {
            Ops tf = Ops.create(graph);
            Restore restore = tf.train.restore(
                    tf.constant(savedModel.resolve("variables").resolve("variables").toString()),
                    tf.constant(NdArrays.vectorOfObjects(key + "/.ATTRIBUTES/VARIABLE_VALUE")),
                    tf.constant(NdArrays.vectorOfObjects("")),
                    List.of(TFloat32.class));
            try (Result result = session.runner().fetch(restore.tensors().get(0)).run()) {
                TFloat32 tensor = (TFloat32) result.get(0);
                float[] values = new float[Math.toIntExact(tensor.shape().size())];
                tensor.copyTo(DataBuffers.of(values, false, false));
                return new Values(values, tensor.shape().asArray());
            }
        }
    }
}
