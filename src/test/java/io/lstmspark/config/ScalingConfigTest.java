package io.lstmspark.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scaling and forecast-history keys: what they parse into, and each refusal's message. */
class ScalingConfigTest {

    private static final List<String> REQUIRED = List.of("input.path=in", "input.series-id=id", "input.timestamp=ts",
            "input.features=[price, volume]", "model.path=m", "outputs.y=y", "output.path=out");

    @TempDir
    Path dir;

    private static JobConfig load(String... overrides) {
        List<String> args = new ArrayList<>(REQUIRED);
        args.addAll(List.of(overrides));
        return JobConfigLoader.load(Optional.empty(), args);
    }

    private static String refusal(String... overrides) {
        return assertThrows(ConfigException.class, () -> load(overrides)).getMessage();
    }

    private String file(String json) throws IOException {
        Path file = dir.resolve("scaler-" + Math.abs(json.hashCode()) + ".json");
        Files.writeString(file, json);
        return file.toString();
    }

    @Test
    void aScikitLearnMinMaxScalerFileGivesItsAttributes() throws IOException {
        String path = file("{\"type\": \"MinMaxScaler\", \"data_min_\": [1.0, 10.0], \"data_max_\": [3.0, 30.0],"
                + " \"feature_range\": [-1, 1]}");
        ScalingConfig scaling = load("scaling.file=" + path, "scaling.inverse.y=price").scaling().orElseThrow();
        assertEquals(ScalingConfig.Kind.MINMAX, scaling.kind());
        assertEquals(List.of(1.0, 10.0), scaling.first());
        assertEquals(List.of(3.0, 30.0), scaling.second());
        assertEquals(-1.0, scaling.rangeLow());
        assertEquals(Map.of("y", "price"), scaling.inverse());
    }

    @Test
    void aStandardScalerSavedWithoutMeanTakesZeroMeans() throws IOException {
        String path = file("{\"type\": \"StandardScaler\", \"mean_\": null, \"scale_\": [2.0, 4.0]}");
        ScalingConfig scaling = load("scaling.file=" + path).scaling().orElseThrow();
        assertEquals(List.of(0.0, 0.0), scaling.first());
        assertEquals(List.of(2.0, 4.0), scaling.second());
    }

    @Test
    void inlineAndPerSeriesScalersParse() {
        ScalingConfig inline = load("scaling.type=standard", "scaling.mean=[1, 2]", "scaling.std=[3, 4]").scaling()
                .orElseThrow();
        assertEquals(ScalingConfig.Source.INLINE, inline.source());
        assertEquals(List.of(3.0, 4.0), inline.second());
        ScalingConfig fitted = load("scaling.type=minmax", "scaling.fit=per-series").scaling().orElseThrow();
        assertEquals(ScalingConfig.Source.PER_SERIES, fitted.source());
        assertTrue(load().scaling().isEmpty(), "no scaling unless asked for");
    }

    @Test
    void aScalerWhoseLengthDiffersFromTheFeaturesIsRefused() throws IOException {
        String path = file("{\"type\": \"MinMaxScaler\", \"data_min_\": [1.0], \"data_max_\": [3.0]}");
        assertEquals("scaling.file " + path + ": data_min_ has 1 values but input.features lists 2 [price, volume]: "
                + "one value per feature, in input.features order", refusal("scaling.file=" + path));
        assertEquals("scaling: min has 3 values but input.features lists 2 [price, volume]: one value per feature, "
                + "in input.features order",
                refusal("scaling.type=minmax", "scaling.min=[1,2,3]", "scaling.max=[4,5]"));
    }

    @Test
    void aZeroRangeIsRefused() throws IOException {
        assertEquals("scaling: feature 'volume' has min 5.0 and max 5.0, a zero range: it cannot be scaled; fit the "
                + "scaler on data where the feature varies",
                refusal("scaling.type=minmax", "scaling.min=[1, 5]", "scaling.max=[2, 5]"));
        String path = file("{\"type\": \"StandardScaler\", \"mean_\": [0, 0], \"scale_\": [0, 1]}");
        assertEquals("scaling.file " + path + ": feature 'price' has std (scale) 0.0, a zero range: it cannot be "
                + "scaled; fit the scaler on data where the feature varies", refusal("scaling.file=" + path));
    }

    @Test
    void inverseNamingANonFeatureOrANonOutputIsRefused() {
        String[] scaler = {"scaling.type=minmax", "scaling.min=[0, 0]", "scaling.max=[1, 1]"};
        List<String> args = new ArrayList<>(List.of(scaler));
        args.add("scaling.inverse.y=demand");
        assertEquals("scaling.inverse.y = demand: 'demand' is not an input feature; input.features lists "
                + "[price, volume] (name the feature whose units the output is in)",
                refusal(args.toArray(String[]::new)));
        args.set(3, "scaling.inverse.z=price");
        assertEquals("scaling.inverse.z: 'z' is not an output column; outputs has [y]",
                refusal(args.toArray(String[]::new)));
    }

    @Test
    void anUnknownTypeIsRefused() throws IOException {
        assertEquals("scaling.type is 'robust'; use one of minmax, standard",
                refusal("scaling.type=robust", "scaling.min=[0, 0]", "scaling.max=[1, 1]"));
        String path = file("{\"type\": \"RobustScaler\", \"center_\": [0, 0]}");
        assertEquals("scaling.file " + path + " has type 'RobustScaler'; supported: \"MinMaxScaler\" (data_min_, "
                + "data_max_, feature_range) and \"StandardScaler\" (mean_, scale_)", refusal("scaling.file=" + path));
    }

    @Test
    void aFileAndAnInlineScalerTogetherAreRefused() throws IOException {
        String path = file("{\"type\": \"MinMaxScaler\", \"data_min_\": [1, 1], \"data_max_\": [3, 3]}");
        assertEquals("scaling.file and scaling.type are both set: take the scaler from the file or give it inline, "
                + "not both", refusal("scaling.file=" + path, "scaling.type=minmax"));
    }

    @Test
    void aMissingOrMalformedScalerFileIsRefusedNamingIt() throws IOException {
        String missing = dir.resolve("nope.json").toString();
        assertEquals("scaling.file " + missing + " does not exist or is not a file",
                refusal("scaling.file=" + missing));
        String broken = file("{\"type\": \"MinMaxScaler\", \"data_min_\": [1, ");
        assertTrue(refusal("scaling.file=" + broken)
                .startsWith("scaling.file " + broken + " cannot be read as JSON: "));
        String noMax = file("{\"type\": \"MinMaxScaler\", \"data_min_\": [1, 1]}");
        assertEquals("scaling.file " + noMax + " has no \"data_max_\" list", refusal("scaling.file=" + noMax));
    }

    @Test
    void forecastFrequencyAndLookbackTakeTolerantDurations() {
        assertEquals(Optional.of(Duration.ofMinutes(15)),
                load("forecast.frequency=15 minutes").forecastLookback().frequency());
        assertEquals(Optional.of(Duration.ofMinutes(15)),
                load("forecast.frequency=15min").forecastLookback().frequency());
        assertEquals(Optional.of(Duration.ofDays(1)), load("forecast.frequency=1d").forecastLookback().frequency());
        ForecastLookback steps = load("forecast.frequency=1h", "forecast.lookback=48").forecastLookback();
        assertEquals(Optional.of(Duration.ofHours(47)), steps.history(24), "48 steps span 47 intervals");
        assertEquals(Optional.of(Duration.ofHours(23)), load("forecast.frequency=1h").forecastLookback().history(24));
        assertEquals(Optional.of(Duration.ofDays(14)), load("forecast.lookback=14d").forecastLookback().history(24));
        assertTrue(load().forecastLookback().history(24).isEmpty());
        assertEquals("forecast.frequency is 'often', which is not a duration: write e.g. 1h, 1d, 15 minutes",
                refusal("forecast.frequency=often"));
        assertEquals("forecast.lookback = 48 counts steps: set forecast.frequency (e.g. 1h) too, or give the lookback "
                + "as a duration (e.g. 14d)", refusal("forecast.lookback=48"));
    }
}
