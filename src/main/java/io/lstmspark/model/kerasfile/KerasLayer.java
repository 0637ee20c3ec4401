package io.lstmspark.model.kerasfile;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * One layer of a Keras model config: its name, class, own config, and the tensors it is called on
 * (other layers' outputs; empty for an input layer, and for the first layer of a Sequential model
 * without an InputLayer, which takes the model input).
 */
public record KerasLayer(String name, String className, JsonNode config, List<TensorId> inbound) {

    public KerasLayer {
        inbound = List.copyOf(inbound);
    }

    /** Output {@code tensor} of layer {@code layer}'s call {@code node}, as Keras configs reference tensors. */
    public record TensorId(String layer, int node, int tensor) {
        @Override
        public String toString() {
            return node == 0 && tensor == 0 ? layer : layer + "[" + node + "][" + tensor + "]";
        }
    }

    /** "lstm_6 (LSTM)" */
    public String label() {
        return "'" + name + "' (" + className + ")";
    }

    public int intConfig(String key) {
        JsonNode value = config.get(key);
        if (value == null || !value.canConvertToInt()) {
            throw new KerasFileException("layer " + label() + " has no integer '" + key + "' in its config (found "
                    + value + ")");
        }
        return value.asInt();
    }

    public boolean boolConfig(String key, boolean otherwise) {
        JsonNode value = config.get(key);
        return value == null || value.isNull() ? otherwise : value.asBoolean();
    }

    public String textConfig(String key, String otherwise) {
        JsonNode value = config.get(key);
        return value == null || value.isNull() ? otherwise : value.asText();
    }

    /** An int-or-tuple config value (Conv1D's kernel_size: 3 or [3]) as its first int. */
    public int firstInt(String key, int otherwise) {
        JsonNode value = config.get(key);
        if (value == null || value.isNull()) {
            return otherwise;
        }
        return value.isArray() ? value.get(0).asInt() : value.asInt();
    }
}
