package io.lstmspark.model.kerasfile;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Unstack;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.family.TFloating;

/**
 * What every layer builder shares: the file's weights (each layer's taken once, checked against the
 * shapes its config implies), constants of the model's float type, activations, and the refusals that
 * name the layer at fault.
 */
abstract class LayerOps<T extends TFloating> {

    final KerasFile file;
    final Class<T> type;
    /** Layers whose weights were taken: the builder refuses weights of a layer the config does not have. */
    final Set<String> usedWeights;

    LayerOps(KerasFile file, Class<T> type, Set<String> usedWeights) {
        this.file = file;
        this.type = type;
        this.usedWeights = usedWeights;
    }

    /** The layer's weights from the file, marked as used by the config. */
    List<KerasWeight> weights(KerasLayer layer) {
        usedWeights.add(layer.name());
        return file.weightsOf(layer.name());
    }

    void noWeights(KerasLayer layer, List<KerasWeight> weights) {
        checkWeights(layer, weights, List.of(), "a " + layer.className() + ", which has no weights");
    }

    /** Refuses weights whose count or shapes differ from what the layer's config implies, naming both. */
    void checkWeights(KerasLayer layer, List<KerasWeight> weights, List<long[]> expected, String config) {
        boolean same = weights.size() == expected.size();
        for (int i = 0; same && i < expected.size(); i++) {
            same = weights.get(i).hasShape(expected.get(i));
        }
        if (!same) {
            throw mismatch(layer, weights, config + ", weights of shapes "
                    + expected.stream().map(LayerOps::shapeText).toList());
        }
    }

    KerasFileException mismatch(KerasLayer layer, List<KerasWeight> weights, String expected) {
        return new KerasFileException("Keras file " + file.path() + ": the config and the weights of layer "
                + layer.label() + " do not match: its config makes it " + expected + ", the file holds "
                + (weights.isEmpty() ? "no weights for it" : weights.stream().map(w -> w.name() + " "
                + w.shapeText()).toList()) + ". The config and weights do not belong together; save the model "
                + "again with model.save(path)");
    }

    void requireRank(KerasLayer layer, KerasValue x, int rank) {
        if (x.rank() != rank) {
            throw new KerasFileException("Keras file " + file.path() + ": layer " + layer.label() + " takes "
                    + shapeText(x.shape()) + " per window where a " + layer.className() + " takes rank " + (rank + 1)
                    + " tensors [batch, steps, features]");
        }
    }

    void requireChannelsLast(KerasLayer layer) {
        if (layer.textConfig("data_format", "channels_last").equals("channels_first")) {
            throw new KerasFileException("Keras file " + file.path() + ": layer " + layer.label()
                    + " is channels_first; lstm-spark builds channels_last (steps, then channels)");
        }
    }

    Operand<T> activation(Ops tf, String name, KerasValue x) {
        return activation(tf, name, cast(x));
    }

    Operand<T> activation(Ops tf, String name, Operand<T> x) {
        return KerasActivation.apply(tf, name, x, file.kerasMajor());
    }

    @SuppressWarnings("unchecked")
    Operand<T> cast(KerasValue value) {
        return (Operand<T>) value.op();
    }

    @SuppressWarnings("unchecked")
    Operand<T> constant(Ops tf, KerasWeight weight) {
        Shape shape = Shape.of(weight.shape());
        double[] values = weight.values();
        if (type == TFloat64.class) {
            return (Operand<T>) tf.constant(shape, DataBuffers.of(values, true, false));
        }
        float[] floats = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            floats[i] = (float) values[i];
        }
        return (Operand<T>) tf.constant(shape, DataBuffers.of(floats, true, false));
    }

    @SuppressWarnings("unchecked")
    List<Operand<T>> unstack(Ops tf, Operand<T> x, int count) {
        return tf.unstack(x, (long) count, Unstack.axis(0L)).output().stream().map(o -> (Operand<T>) o).toList();
    }

    String name(Operand<?> operand) {
        Output<?> output = operand.asOutput();
        return output.op().name() + ":" + output.index();
    }

    static long[] withLast(long[] shape, long last) {
        long[] copy = shape.clone();
        copy[copy.length - 1] = last;
        return copy;
    }

    static long[] batchShape(long[] shape) {
        long[] full = new long[shape.length + 1];
        full[0] = -1;
        System.arraycopy(shape, 0, full, 1, shape.length);
        return full;
    }

    static String shapeText(long[] shape) {
        return Arrays.stream(shape).mapToObj(d -> d < 0 ? "None" : Long.toString(d))
                .collect(Collectors.joining(", ", "[", "]"));
    }

    KerasLayer inner(KerasLayer wrapper, JsonNode json) {
        JsonNode config = json.path("config");
        return new KerasLayer(config.path("name").asText(wrapper.name() + "_inner"), json.path("class_name").asText(),
                config, List.of());
    }
}
