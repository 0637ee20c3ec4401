package io.lstmspark.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.util.Identifiable;

/**
 * A parameter whose value maps names to text, in order (output columns to tensors, job keys to values):
 * Spark ML has none, and its plain {@code Param} saves only strings.
 */
public final class StringMapParam extends Param<Map<String, String>> {

    private static final ObjectMapper JSON = new ObjectMapper();

    public StringMapParam(Identifiable parent, String name, String doc) {
        super(parent, name, doc);
    }

    @Override
    public String jsonEncode(Map<String, String> value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("parameter " + name() + " cannot be saved as JSON", e);
        }
    }

    @Override
    public Map<String, String> jsonDecode(String json) {
        try {
            return JSON.readValue(json, new TypeReference<LinkedHashMap<String, String>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("parameter " + name() + " is not a JSON object of strings: " + json, e);
        }
    }
}
