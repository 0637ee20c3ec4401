package io.lstmspark.model.kerasfile;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TFloating;

/**
 * The Keras activations a Keras file may name, as TensorFlow ops. hard_sigmoid differs by Keras
 * version: Keras 2 computes clip(0.2 x + 0.5, 0, 1), Keras 3 relu6(x + 3) / 6.
 */
final class KerasActivation {

    static final List<String> SUPPORTED = List.of("linear", "tanh", "sigmoid", "relu", "hard_sigmoid", "softmax",
            "elu", "selu", "softplus", "softsign", "swish", "silu", "exponential", "relu6", "gelu", "leaky_relu");

    private KerasActivation() {
    }

    /** The activation a layer config names; Keras 3 may write it as {@code {"config": "relu", ...}}. */
    static String name(KerasLayer layer, String key, String otherwise) {
        JsonNode value = layer.config().get(key);
        if (value == null || value.isNull()) {
            return otherwise;
        }
        String name = value.isObject() ? value.path("config").asText("") : value.asText();
        if (name.isEmpty() || name.equals("None")) {
            name = "linear";
        }
        if (!SUPPORTED.contains(name)) {
            throw new KerasFileException("layer " + layer.label() + " uses " + key + " '"
                    + (value.isObject() ? value.toString() : name) + "', which lstm-spark does not build; it builds "
                    + SUPPORTED + ". Save the model with model.export(dir) and point model.path at that");
        }
        return name;
    }

    static <T extends TFloating> Operand<T> apply(Ops tf, String name, Operand<T> x, int kerasMajor) {
        return switch (name) {
            case "linear" -> x;
            case "tanh" -> tf.math.tanh(x);
            case "sigmoid" -> tf.math.sigmoid(x);
            case "relu" -> tf.nn.relu(x);
            case "relu6" -> tf.nn.relu6(x);
            case "softmax" -> tf.nn.softmax(x);
            case "elu" -> tf.nn.elu(x);
            case "selu" -> tf.nn.selu(x);
            case "softplus" -> tf.math.softplus(x);
            case "softsign" -> tf.nn.softsign(x);
            case "swish", "silu" -> tf.math.mul(x, tf.math.sigmoid(x));
            case "exponential" -> tf.math.exp(x);
            case "gelu" -> tf.math.mul(tf.math.mul(x, scalar(tf, x, 0.5)),
                    tf.math.add(scalar(tf, x, 1), tf.math.erf(tf.math.mul(x, scalar(tf, x, 1 / Math.sqrt(2))))));
            case "leaky_relu" -> tf.nn.leakyRelu(x,
                    org.tensorflow.op.nn.LeakyRelu.alpha(kerasMajor >= 3 ? 0.2f : 0.3f));
            case "hard_sigmoid" -> kerasMajor >= 3
                    ? tf.math.div(tf.nn.relu6(tf.math.add(x, scalar(tf, x, 3))), scalar(tf, x, 6))
                    : tf.clipByValue(tf.math.add(tf.math.mul(x, scalar(tf, x, 0.2)), scalar(tf, x, 0.5)),
                    scalar(tf, x, 0), scalar(tf, x, 1));
            default -> throw new IllegalArgumentException("activation " + name + " is not in " + SUPPORTED);
        };
    }

    /** A scalar constant of {@code like}'s type. */
    static <T extends TFloating> Operand<T> scalar(Ops tf, Operand<T> like, double value) {
        return tf.dtypes.cast(tf.constant(value), like.type());
    }
}
