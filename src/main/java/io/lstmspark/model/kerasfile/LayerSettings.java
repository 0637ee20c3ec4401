package io.lstmspark.model.kerasfile;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** A layer's settings as inspect shows them, from its config. */
final class LayerSettings {

    /** Config keys shown for a layer by inspect, when it has them. */
    private static final List<String> SETTINGS = List.of("units", "filters", "kernel_size", "strides", "padding",
            "dilation_rate", "pool_size", "activation", "recurrent_activation", "use_bias", "return_sequences",
            "return_state", "go_backwards", "reset_after", "merge_mode", "rate", "n", "target_shape", "axis",
            "epsilon");

    private LayerSettings() {
    }

    /** "units=5 activation=relu return_sequences=true"; a wrapper's inner layer as "layer=LSTM(units=4 ...)". */
    static String of(KerasLayer layer) {
        List<String> shown = new ArrayList<>();
        for (String key : SETTINGS) {
            JsonNode value = layer.config().get(key);
            if (value != null && !value.isNull()) {
                shown.add(key + "=" + (value.isTextual() ? value.asText()
                        : value.isObject() ? value.path("config").asText(value.toString()) : value.toString()));
            }
        }
        JsonNode inner = layer.config().get("layer");
        if (inner != null && inner.isObject()) {
            KerasLayer wrapped = new KerasLayer(inner.path("config").path("name").asText(),
                    inner.path("class_name").asText(), inner.path("config"), List.of());
            shown.add("layer=" + wrapped.className() + "(" + of(wrapped) + ")");
        }
        return String.join(" ", shown);
    }
}
