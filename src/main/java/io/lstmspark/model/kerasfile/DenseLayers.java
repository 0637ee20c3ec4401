package io.lstmspark.model.kerasfile;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TFloating;

/** Layers that act on the last axis alone: Dense (also inside TimeDistributed), Activation, BatchNormalization. */
final class DenseLayers<T extends TFloating> extends LayerOps<T> {

    DenseLayers(KerasFile file, Class<T> type, Set<String> usedWeights) {
        super(file, type, usedWeights);
    }

    KerasValue dense(Ops tf, KerasLayer layer, KerasValue x, List<KerasWeight> weights) {
        int units = layer.intConfig("units");
        boolean useBias = layer.boolConfig("use_bias", true);
        List<long[]> expected = new ArrayList<>(List.of(new long[] {x.last(), units}));
        if (useBias) {
            expected.add(new long[] {units});
        }
        checkWeights(layer, weights, expected, "Dense(units=" + units + ", use_bias=" + useBias + ") on "
                + x.last() + " inputs");
        Operand<T> flat = x.rank() == 1 ? cast(x) : tf.reshape(cast(x), tf.constant(new long[] {-1, x.last()}));
        Operand<T> y = tf.linalg.matMul(flat, constant(tf, weights.get(0)));
        if (useBias) {
            y = tf.nn.biasAdd(y, constant(tf, weights.get(1)));
        }
        long[] shape = withLast(x.shape(), units);
        if (x.rank() > 1) {
            y = tf.reshape(y, tf.constant(batchShape(shape)));
        }
        return new KerasValue(activation(tf, KerasActivation.name(layer, "activation", "linear"), y), shape);
    }

    KerasValue timeDistributed(Ops tf, KerasLayer layer, KerasValue x, List<KerasWeight> weights) {
        KerasLayer inner = inner(layer, layer.config().path("layer"));
        String kind = LayerKinds.of(inner.className());
        if (x.rank() < 2) {
            throw new KerasFileException("Keras file " + file.path() + ": layer " + layer.label() + " takes "
                    + shapeText(x.shape()) + "; TimeDistributed needs [steps, ...]");
        }
        if (kind.equals("Dense")) {
            return dense(tf, new KerasLayer(layer.name(), "Dense", inner.config(), List.of()), x, weights);
        }
        if (kind.equals("Activation") || LayerKinds.IDENTITY.contains(kind)) {
            noWeights(layer, weights);
            return kind.equals("Activation")
                    ? new KerasValue(activation(tf, KerasActivation.name(inner, "activation", "linear"), x), x.shape())
                    : x;
        }
        throw new KerasFileException("Keras file " + file.path() + ": layer " + layer.label() + " wraps a "
                + inner.className() + "; lstm-spark builds TimeDistributed over Dense, Activation and Dropout. Save "
                + "the model with model.export(dir) and point model.path at that");
    }

    /** Inference: (x - moving_mean) / sqrt(moving_variance + epsilon) * gamma + beta, on the last axis. */
    KerasValue batchNormalization(Ops tf, KerasLayer layer, KerasValue x, List<KerasWeight> weights) {
        JsonNode axis = layer.config().path("axis");
        int axisValue = axis.isArray() ? (axis.size() == 1 ? axis.get(0).asInt() : Integer.MIN_VALUE) : axis.asInt(-1);
        if (axisValue != -1 && axisValue != x.rank()) {
            throw new KerasFileException("Keras file " + file.path() + ": layer " + layer.label() + " normalises axis "
                    + axis + "; lstm-spark builds BatchNormalization over the last axis");
        }
        boolean scale = layer.boolConfig("scale", true);
        boolean center = layer.boolConfig("center", true);
        long n = x.last();
        List<long[]> expected = new ArrayList<>();
        for (int i = 0; i < (scale ? 1 : 0) + (center ? 1 : 0) + 2; i++) {
            expected.add(new long[] {n});
        }
        checkWeights(layer, weights, expected, "BatchNormalization(scale=" + scale + ", center=" + center + ") on "
                + n + " features");
        int next = 0;
        KerasWeight gamma = scale ? weights.get(next++) : null;
        KerasWeight beta = center ? weights.get(next++) : null;
        KerasWeight mean = weights.get(next++);
        KerasWeight variance = weights.get(next);
        double epsilon = layer.config().path("epsilon").asDouble(1e-3);
        Operand<T> inverse = tf.math.rsqrt(tf.math.add(constant(tf, variance), KerasActivation.scalar(tf, cast(x),
                epsilon)));
        Operand<T> y = tf.math.mul(tf.math.sub(cast(x), constant(tf, mean)), inverse);
        if (gamma != null) {
            y = tf.math.mul(y, constant(tf, gamma));
        }
        if (beta != null) {
            y = tf.math.add(y, constant(tf, beta));
        }
        return new KerasValue(y, x.shape());
    }

    KerasValue activationLayer(Ops tf, KerasLayer layer, KerasValue x, List<KerasWeight> weights) {
        noWeights(layer, weights);
        return new KerasValue(activation(tf, KerasActivation.name(layer, "activation", "linear"), x), x.shape());
    }
}
