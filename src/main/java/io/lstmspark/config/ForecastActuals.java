package io.lstmspark.config;

import com.typesafe.config.Config;
import java.util.List;
import java.util.Map;

/**
 * {@code forecast.actuals { <output column> = <feature> }}: which input feature holds the actual values
 * an output column forecasts, for the run report's backtest errors. Value k of the column's array is
 * compared with the feature at the k-th step after the window's end.
 */
final class ForecastActuals {

    static final String KEY = "forecast.actuals";

    private ForecastActuals() {
    }

    static Map<String, String> read(Config c, WindowMode mode, Map<String, String> outputs, List<String> features) {
        Map<String, String> actuals = JobConfigLoader.stringMap(c, KEY);
        if (!actuals.isEmpty() && mode != WindowMode.FORECAST) {
            throw new ConfigException(KEY + " is set but mode is " + mode.name().toLowerCase(java.util.Locale.ROOT)
                    + ": backtest errors compare forecasts with later steps; set mode = forecast (with a "
                    + "forecast.cutoff in the past) or remove " + KEY);
        }
        for (Map.Entry<String, String> entry : actuals.entrySet()) {
            if (!outputs.containsKey(entry.getKey())) {
                throw new ConfigException(KEY + "." + entry.getKey() + " names no output column; the outputs are "
                        + outputs.keySet() + ": use one of them as the key, e.g. " + KEY + "."
                        + outputs.keySet().iterator().next() + " = " + features.get(0));
            }
            if (!features.contains(entry.getValue())) {
                throw new ConfigException(KEY + "." + entry.getKey() + " = " + entry.getValue()
                        + " is not one of input.features " + features + ": the actual values must be a feature "
                        + "column of the input, in the units of the forecast");
            }
        }
        return actuals;
    }
}
