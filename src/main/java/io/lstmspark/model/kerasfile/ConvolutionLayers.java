package io.lstmspark.model.kerasfile;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Squeeze;
import org.tensorflow.op.nn.Conv2d;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TFloating;

/** Conv1D and the 1-D poolings, over [batch, steps, channels] (channels last), as Keras computes them. */
final class ConvolutionLayers<T extends TFloating> extends LayerOps<T> {

    ConvolutionLayers(KerasFile file, Class<T> type, Set<String> usedWeights) {
        super(file, type, usedWeights);
    }

    KerasValue conv1d(Ops tf, KerasLayer layer, KerasValue x, List<KerasWeight> weights) {
        requireRank(layer, x, 2);
        requireChannelsLast(layer);
        int filters = layer.intConfig("filters");
        int size = layer.firstInt("kernel_size", 1);
        int stride = layer.firstInt("strides", 1);
        int dilation = layer.firstInt("dilation_rate", 1);
        if (layer.firstInt("groups", 1) != 1) {
            throw new KerasFileException("Keras file " + file.path() + ": layer " + layer.label()
                    + " has groups > 1, which lstm-spark does not build");
        }
        boolean useBias = layer.boolConfig("use_bias", true);
        List<long[]> expected = new ArrayList<>(List.of(new long[] {size, x.last(), filters}));
        if (useBias) {
            expected.add(new long[] {filters});
        }
        checkWeights(layer, weights, expected, "Conv1D(filters=" + filters + ", kernel_size=" + size + ") on "
                + x.last() + " channels");
        String padding = layer.textConfig("padding", "valid");
        long steps = x.shape()[0];
        Operand<T> in = cast(x);
        if (padding.equals("causal")) {
            in = tf.pad(in, tf.constant(new int[][] {{0, 0}, {dilation * (size - 1), 0}, {0, 0}}),
                    KerasActivation.scalar(tf, in, 0));
            steps += (long) dilation * (size - 1);
        }
        // [batch, 1, steps, channels] through Conv2D with a [1, size, channels, filters] kernel.
        Operand<T> image = tf.expandDims(in, tf.constant(1));
        Operand<T> kernel = tf.expandDims(constant(tf, weights.get(0)), tf.constant(0));
        Operand<T> y = tf.nn.conv2d(image, kernel, List.of(1L, 1L, (long) stride, 1L),
                padding.equals("same") ? "SAME" : "VALID",
                Conv2d.dilations(List.of(1L, 1L, (long) dilation, 1L)));
        y = tf.squeeze(y, Squeeze.axis(List.of(1L)));
        if (useBias) {
            y = tf.nn.biasAdd(y, constant(tf, weights.get(1)));
        }
        long span = (long) dilation * (size - 1) + 1;
        long outSteps = padding.equals("same") ? (steps + stride - 1) / stride : (steps - span) / stride + 1;
        return new KerasValue(activation(tf, KerasActivation.name(layer, "activation", "linear"), y),
                new long[] {outSteps, filters});
    }

    KerasValue pool1d(Ops tf, KerasLayer layer, String kind, KerasValue x, List<KerasWeight> weights) {
        noWeights(layer, weights);
        requireRank(layer, x, 2);
        requireChannelsLast(layer);
        int size = layer.firstInt("pool_size", 2);
        int stride = layer.firstInt("strides", size);
        String padding = layer.textConfig("padding", "valid").equals("same") ? "SAME" : "VALID";
        Operand<T> image = tf.expandDims(cast(x), tf.constant(1));
        Operand<T> y = kind.equals("MaxPooling1D")
                ? tf.nn.maxPool(image, tf.constant(new int[] {1, 1, size, 1}), tf.constant(new int[] {1, 1, stride, 1}),
                padding)
                : tf.nn.avgPool(image, List.of(1L, 1L, (long) size, 1L), List.of(1L, 1L, (long) stride, 1L), padding);
        y = tf.squeeze(y, Squeeze.axis(List.of(1L)));
        long steps = x.shape()[0];
        long outSteps = padding.equals("SAME") ? (steps + stride - 1) / stride : (steps - size) / stride + 1;
        return new KerasValue(y, new long[] {outSteps, x.last()});
    }

    /** GlobalAveragePooling1D, GlobalMaxPooling1D: one value per channel over all steps. */
    KerasValue globalPool1d(Ops tf, KerasLayer layer, String kind, KerasValue x, List<KerasWeight> weights) {
        noWeights(layer, weights);
        requireRank(layer, x, 2);
        Operand<TInt32> steps = tf.constant(1);
        Operand<T> pooled = kind.equals("GlobalMaxPooling1D") ? tf.max(cast(x), steps)
                : tf.math.mean(cast(x), steps);
        return new KerasValue(pooled, new long[] {x.last()});
    }
}
