package io.lstmspark.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** forecast.actuals: output column = the input feature it forecasts, checked before Spark starts. */
class ForecastActualsTest {

    private static final List<String> REQUIRED = List.of("input.path=in", "input.series-id=id", "input.timestamp=ts",
            "input.features=[load, temp]", "model.path=m", "outputs={forecast = y, h = \"lstm:0.h\"}",
            "output.path=out");

    @TempDir
    Path dir;

    private static JobConfig load(String... overrides) {
        List<String> args = new ArrayList<>(REQUIRED);
        args.addAll(List.of(overrides));
        return JobConfigLoader.load(Optional.empty(), args);
    }

    @Test
    void mapsOutputColumnsToFeaturesFromTheFileOrTheCommandLine() throws IOException {
        Path file = dir.resolve("job.conf");
        Files.writeString(file, "mode = forecast\nforecast { cutoff = \"2026-01-30\", actuals { forecast = load } }\n");
        assertEquals(Map.of("forecast", "load"),
                JobConfigLoader.load(Optional.of(file.toFile()), REQUIRED).forecastActuals());
        assertEquals(Map.of("forecast", "temp"),
                load("mode=forecast", "forecast.actuals.forecast=temp").forecastActuals());
        assertEquals(Map.of(), load("mode=forecast").forecastActuals());
    }

    @Test
    void aKeyThatIsNoOutputColumnIsRefusedNamingTheOutputs() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> load("mode=forecast", "forecast.actuals.prediction=load"));
        assertEquals("forecast.actuals.prediction names no output column; the outputs are [forecast, h]: use one of "
                + "them as the key, e.g. forecast.actuals.forecast = load", e.getMessage());
    }

    @Test
    void aValueThatIsNoFeatureIsRefusedNamingTheFeatures() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> load("mode=forecast", "forecast.actuals.forecast=load_kw"));
        assertEquals("forecast.actuals.forecast = load_kw is not one of input.features [load, temp]: the actual "
                + "values must be a feature column of the input, in the units of the forecast", e.getMessage());
    }

    @Test
    void outsideForecastModeActualsAreRefused() {
        ConfigException e = assertThrows(ConfigException.class, () -> load("forecast.actuals.forecast=load"));
        assertEquals("forecast.actuals is set but mode is extract: backtest errors compare forecasts with later "
                + "steps; set mode = forecast (with a forecast.cutoff in the past) or remove forecast.actuals",
                e.getMessage());
    }
}
