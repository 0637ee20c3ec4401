package io.lstmspark.model.kerasfile;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TFloating;

/** Layers without weights that reshape or combine tensors: Reshape, Flatten, RepeatVector, the merges. */
final class ShapeLayers<T extends TFloating> extends LayerOps<T> {

    ShapeLayers(KerasFile file, Class<T> type, Set<String> usedWeights) {
        super(file, type, usedWeights);
    }

    KerasValue repeatVector(Ops tf, KerasLayer layer, KerasValue x, List<KerasWeight> weights) {
        noWeights(layer, weights);
        int n = layer.intConfig("n");
        Operand<T> expanded = tf.expandDims(cast(x), tf.constant(1));
        return new KerasValue(tf.tile(expanded, tf.constant(new int[] {1, n, 1})), new long[] {n, x.shape()[0]});
    }

    KerasValue flatten(Ops tf, KerasLayer layer, KerasValue x, List<KerasWeight> weights) {
        noWeights(layer, weights);
        long size = Arrays.stream(x.shape()).reduce(1, Math::multiplyExact);
        return new KerasValue(tf.reshape(cast(x), tf.constant(new long[] {-1, size})), new long[] {size});
    }

    KerasValue reshape(Ops tf, KerasLayer layer, KerasValue x, List<KerasWeight> weights) {
        noWeights(layer, weights);
        JsonNode target = layer.config().path("target_shape");
        long[] shape = new long[target.size()];
        long size = Arrays.stream(x.shape()).reduce(1, Math::multiplyExact);
        long known = 1;
        int unknown = -1;
        for (int i = 0; i < shape.length; i++) {
            shape[i] = target.get(i).asLong();
            if (shape[i] == -1) {
                unknown = i;
            } else {
                known *= shape[i];
            }
        }
        if (unknown >= 0) {
            shape[unknown] = size / known;
        }
        if (Arrays.stream(shape).reduce(1, Math::multiplyExact) != size) {
            throw new KerasFileException("Keras file " + file.path() + ": layer " + layer.label() + " reshapes "
                    + shapeText(x.shape()) + " to " + target + ", which has another number of values");
        }
        return new KerasValue(tf.reshape(cast(x), tf.constant(batchShape(shape))), shape);
    }

    KerasValue concatenate(Ops tf, KerasLayer layer, List<KerasValue> in, List<KerasWeight> weights) {
        noWeights(layer, weights);
        int rank = in.get(0).rank();
        int axis = layer.config().path("axis").asInt(-1);
        int featureAxis = axis < 0 ? rank + axis : axis - 1; // the config counts the batch axis
        if (featureAxis < 0 || featureAxis >= rank || in.stream().anyMatch(v -> v.rank() != rank)) {
            throw new KerasFileException("Keras file " + file.path() + ": layer " + layer.label() + " concatenates "
                    + in.stream().map(v -> shapeText(v.shape())).toList() + " on axis " + axis
                    + ", which those shapes do not allow");
        }
        long[] shape = in.get(0).shape();
        shape[featureAxis] = in.stream().mapToLong(v -> v.shape()[featureAxis]).sum();
        return new KerasValue(tf.concat(in.stream().map(this::cast).toList(), tf.constant(featureAxis + 1)), shape);
    }

    KerasValue merge(Ops tf, KerasLayer layer, String kind, List<KerasValue> in, List<KerasWeight> weights) {
        noWeights(layer, weights);
        for (KerasValue value : in) {
            if (!Arrays.equals(value.shape(), in.get(0).shape())) {
                throw new KerasFileException("Keras file " + file.path() + ": layer " + layer.label() + " merges "
                        + in.stream().map(v -> shapeText(v.shape())).toList() + "; lstm-spark builds " + kind
                        + " over tensors of one shape");
            }
        }
        if (kind.equals("Subtract") && in.size() != 2) {
            throw new KerasFileException("Keras file " + file.path() + ": layer " + layer.label()
                    + " subtracts " + in.size() + " tensors; Subtract takes two");
        }
        Operand<T> y = cast(in.get(0));
        for (KerasValue value : in.subList(1, in.size())) {
            Operand<T> other = cast(value);
            y = switch (kind) {
                case "Add", "Average" -> tf.math.add(y, other);
                case "Subtract" -> tf.math.sub(y, other);
                case "Multiply" -> tf.math.mul(y, other);
                case "Maximum" -> tf.math.maximum(y, other);
                default -> tf.math.minimum(y, other);
            };
        }
        if (kind.equals("Average")) {
            y = tf.math.div(y, KerasActivation.scalar(tf, y, in.size()));
        }
        return new KerasValue(y, in.get(0).shape());
    }
}
