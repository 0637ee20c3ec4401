package io.lstmspark.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValue;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The forecast keys beyond the cutoff: how many steps ahead, which outputs continue which features when
 * a one-step model is run recursively, the rows' layout, and the series' interval.
 *
 * @param horizon   steps ahead; 0: no horizon (one forecast per window, as the model gives it)
 * @param feedback  feature -> output column that continues it, in input.features order; empty: direct
 * @param layout    one row per series and step, or one row per series with arrays
 * @param frequency the interval between steps; empty: inferred per series from its window
 */
public record ForecastSettings(int horizon, Map<String, String> feedback, Layout layout,
                               Optional<ForecastFrequency> frequency) {

    /** How a horizon's forecasts are written. */
    public enum Layout { LONG, WIDE }

    public ForecastSettings {
        feedback = Collections.unmodifiableMap(new LinkedHashMap<>(feedback));
    }

    public boolean hasHorizon() {
        return horizon > 0;
    }

    /** Whether the model is called once per step, its predictions fed back. */
    public boolean recursive() {
        return !feedback.isEmpty();
    }

    /** Reads and checks the forecast keys against the features and output columns already read. */
    static ForecastSettings read(Config c, WindowMode mode, List<String> features, Map<String, String> outputs) {
        int horizon = 0;
        if (!c.getIsNull("forecast.horizon")) {
            horizon = c.getInt("forecast.horizon");
            if (horizon < 1 || !String.valueOf(c.getValue("forecast.horizon").unwrapped()).strip().matches("\\d+")) {
                throw new ConfigException("forecast.horizon is " + c.getValue("forecast.horizon").unwrapped()
                        + "; it must be a whole number of steps, at least 1");
            }
            if (mode != WindowMode.FORECAST) {
                throw new ConfigException("forecast.horizon is set but mode is " + mode.name().toLowerCase(Locale.ROOT)
                        + ": a horizon applies to mode = forecast");
            }
        }
        Map<String, String> given = feedback(c);
        if (!given.isEmpty() && horizon == 0) {
            throw new ConfigException("forecast.feedback is set without forecast.horizon: set forecast.horizon to the "
                    + "number of steps to forecast");
        }
        Map<String, String> feedback = new LinkedHashMap<>();
        for (String feature : features) {
            if (given.containsKey(feature)) {
                feedback.put(feature, given.get(feature));
            }
        }
        for (Map.Entry<String, String> entry : given.entrySet()) {
            if (!features.contains(entry.getKey())) {
                throw new ConfigException("forecast.feedback." + entry.getKey() + " names '" + entry.getKey()
                        + "', which is not in input.features " + features + ": feedback maps a feature to the "
                        + "output column that continues it, e.g. forecast.feedback { " + features.get(0) + " = "
                        + outputs.keySet().iterator().next() + " }");
            }
            if (!outputs.containsKey(entry.getValue())) {
                throw new ConfigException("forecast.feedback." + entry.getKey() + " = '" + entry.getValue()
                        + "' is not an output column (outputs: " + String.join(", ", outputs.keySet())
                        + "): name the output column whose prediction continues feature '" + entry.getKey() + "'");
            }
        }
        Layout layout = Layout.valueOf(oneOf(c, "forecast.layout", "long", "wide").toUpperCase(Locale.ROOT));
        return new ForecastSettings(horizon, feedback, layout, ForecastFrequency.read(c, "forecast.frequency"));
    }

    private static String oneOf(Config c, String key, String... allowed) {
        String value = c.getString(key).strip().toLowerCase(Locale.ROOT);
        if (!List.of(allowed).contains(value)) {
            throw new ConfigException("configuration key " + key + " is '" + c.getString(key) + "'; use one of "
                    + String.join(", ", allowed));
        }
        return value;
    }

    /** forecast.feedback as written: feature -> output column. */
    private static Map<String, String> feedback(Config c) {
        Map<String, String> map = new LinkedHashMap<>();
        if (!c.hasPath("forecast.feedback")) {
            return map;
        }
        List<Map.Entry<String, ConfigValue>> entries = new ArrayList<>(c.getObject("forecast.feedback").entrySet());
        entries.sort(Comparator.comparing((Map.Entry<String, ConfigValue> e) -> e.getValue().origin().lineNumber())
                .thenComparing(Map.Entry::getKey));
        for (Map.Entry<String, ConfigValue> entry : entries) {
            Object value = entry.getValue().unwrapped();
            if (value instanceof Map || value instanceof List) {
                throw new ConfigException("forecast.feedback." + entry.getKey() + " must name one output column");
            }
            map.put(entry.getKey(), String.valueOf(value));
        }
        return map;
    }
}
