package io.lstmspark.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code scaling} keys: how feature values are scaled before the model (as scikit-learn's MinMaxScaler
 * or StandardScaler would) and which output columns are scaled back. The parameters come from a scaler
 * file (scikit-learn's attributes as JSON, read here on the driver), inline lists, or per series from the data.
 *
 * @param kind     minmax: {@code first} = data min, {@code second} = data max; standard: mean and scale (std)
 * @param source   where the parameters come from
 * @param file     the scaler file, when the parameters were read from one
 * @param first    one value per input feature; empty when fitted per series
 * @param second   one value per input feature; empty when fitted per series
 * @param rangeLow the MinMaxScaler's feature_range (0, 1 unless given)
 * @param inverse  output column -> the input feature whose units it is in
 */
public record ScalingConfig(Kind kind, Source source, Optional<String> file, List<Double> first, List<Double> second,
                            double rangeLow, double rangeHigh, Map<String, String> inverse) {

    public enum Kind { MINMAX, STANDARD }

    public enum Source { FILE, INLINE, PER_SERIES }

    /** A scaler file is a few KB; anything far larger is not one. */
    private static final long MAX_FILE_BYTES = 16L << 20;
    private static final List<String> INLINE_KEYS = List.of("type", "min", "max", "mean", "std", "feature-range");

    /**
     * Parses {@code scaling}; empty when none of its keys is set.
     *
     * @param inverse the {@code scaling.inverse} section, read as the loader reads user-named sections
     */
    static Optional<ScalingConfig> parse(Config c, List<String> features, Map<String, String> outputs,
                                         Map<String, String> inverse) {
        Optional<String> file = text(c, "scaling.file");
        Optional<String> fit = text(c, "scaling.fit");
        List<String> inline = INLINE_KEYS.stream().filter(k -> set(c, "scaling." + k)).toList();
        if (file.isEmpty() && fit.isEmpty() && inline.isEmpty()) {
            if (!inverse.isEmpty()) {
                throw new ConfigException("scaling.inverse is set but no scaler is: give scaling.file, inline "
                        + "scaling.type with its parameters, or scaling.fit = per-series");
            }
            return Optional.empty();
        }
        ScalingConfig scaling;
        if (file.isPresent()) {
            if (!inline.isEmpty() || fit.isPresent()) {
                throw new ConfigException("scaling.file and scaling." + (fit.isPresent() ? "fit" : inline.get(0))
                        + " are both set: take the scaler from the file or give it inline, not both");
            }
            scaling = ScalerFile.read(file.get(), features.size(), inverse);
        } else {
            Kind kind = kind(c);
            if (fit.isPresent()) {
                if (!fit.get().equalsIgnoreCase("per-series")) {
                    throw new ConfigException("scaling.fit is '" + fit.get() + "'; the one fit is per-series (each "
                            + "series' own min/max or mean/std over its steps up to the cutoff)");
                }
                List<String> parameters = inline.stream().filter(k -> !k.equals("type") && !k.equals("feature-range"))
                        .toList();
                if (!parameters.isEmpty()) {
                    throw new ConfigException("scaling.fit = per-series and scaling." + parameters.get(0)
                            + " are both set: parameters fitted per series replace given ones; drop one");
                }
                double[] range = range(c, kind);
                scaling = new ScalingConfig(kind, Source.PER_SERIES, Optional.empty(), List.of(), List.of(), range[0],
                        range[1], inverse);
            } else {
                String a = kind == Kind.MINMAX ? "min" : "mean";
                String b = kind == Kind.MINMAX ? "max" : "std";
                double[] range = range(c, kind);
                scaling = new ScalingConfig(kind, Source.INLINE, Optional.empty(), numbers(c, "scaling." + a),
                        numbers(c, "scaling." + b), range[0], range[1], inverse);
                refuseForeignKeys(c, kind);
            }
        }
        scaling.check(features, outputs);
        return Optional.of(scaling);
    }

    /** The parameters' names as scikit-learn calls them (data_min_/data_max_, mean_/scale_). */
    public List<String> parameterNames() {
        return kind == Kind.MINMAX ? List.of("data_min", "data_max") : List.of("mean", "scale");
    }

    private void check(List<String> features, Map<String, String> outputs) {
        String where = source == Source.FILE ? "scaling.file " + file.orElseThrow() : "scaling";
        if (source != Source.PER_SERIES) {
            List<String> names = source == Source.FILE ? List.of(kind == Kind.MINMAX ? "data_min_" : "mean_",
                    kind == Kind.MINMAX ? "data_max_" : "scale_")
                    : List.of(kind == Kind.MINMAX ? "min" : "mean", kind == Kind.MINMAX ? "max" : "std");
            for (int p = 0; p < 2; p++) {
                List<Double> values = p == 0 ? first : second;
                if (values.size() != features.size()) {
                    throw new ConfigException(where + ": " + names.get(p) + " has " + values.size() + " values but "
                            + "input.features lists " + features.size() + " " + features + ": one value per feature, "
                            + "in input.features order");
                }
            }
            for (int f = 0; f < features.size(); f++) {
                boolean zero = kind == Kind.MINMAX ? first.get(f).equals(second.get(f)) : second.get(f) == 0;
                if (zero || !Double.isFinite(first.get(f)) || !Double.isFinite(second.get(f))) {
                    throw new ConfigException(where + ": feature '" + features.get(f) + "' has "
                            + (kind == Kind.MINMAX ? "min " + first.get(f) + " and max " + second.get(f)
                            : "std (scale) " + second.get(f)) + (zero ? ", a zero range" : ", not a finite number")
                            + ": it cannot be scaled; fit the scaler on data where the feature varies");
                }
            }
        }
        if (rangeLow >= rangeHigh) {
            throw new ConfigException(where + ": feature range [" + rangeLow + ", " + rangeHigh + "] is empty: "
                    + "its minimum must be below its maximum");
        }
        for (Map.Entry<String, String> entry : inverse.entrySet()) {
            if (!outputs.containsKey(entry.getKey())) {
                throw new ConfigException("scaling.inverse." + entry.getKey() + ": '" + entry.getKey()
                        + "' is not an output column; outputs has " + outputs.keySet());
            }
            if (!features.contains(entry.getValue())) {
                throw new ConfigException("scaling.inverse." + entry.getKey() + " = " + entry.getValue()
                        + ": '" + entry.getValue() + "' is not an input feature; input.features lists " + features
                        + " (name the feature whose units the output is in)");
            }
        }
        if (source == Source.PER_SERIES) {
            for (String name : parameterNames()) {
                if (outputs.containsKey("scaler_" + name)) {
                    throw new ConfigException("outputs." + "scaler_" + name + ": with scaling.fit = per-series the "
                            + "job writes a column of that name (each series' fitted parameters); rename the output");
                }
            }
        }
    }

    private static Kind kind(Config c) {
        Optional<String> type = text(c, "scaling.type");
        if (type.isEmpty()) {
            throw new ConfigException("scaling: scaling.type is not set; use minmax (with min and max) or standard "
                    + "(with mean and std), or give a scikit-learn scaler as scaling.file");
        }
        return switch (type.get().toLowerCase(Locale.ROOT)) {
            case "minmax" -> Kind.MINMAX;
            case "standard" -> Kind.STANDARD;
            default -> throw new ConfigException("scaling.type is '" + type.get() + "'; use one of minmax, standard");
        };
    }

    private static void refuseForeignKeys(Config c, Kind kind) {
        List<String> foreign = kind == Kind.MINMAX ? List.of("mean", "std") : List.of("min", "max", "feature-range");
        for (String key : foreign) {
            if (set(c, "scaling." + key)) {
                throw new ConfigException("scaling." + key + " does not apply to scaling.type = "
                        + kind.name().toLowerCase(Locale.ROOT) + " (minmax takes min, max and feature-range; "
                        + "standard takes mean and std)");
            }
        }
    }

    private static double[] range(Config c, Kind kind) {
        if (kind == Kind.STANDARD || !set(c, "scaling.feature-range")) {
            return new double[] {0, 1};
        }
        List<Double> range = numbers(c, "scaling.feature-range");
        if (range.size() != 2) {
            throw new ConfigException("scaling.feature-range has " + range.size() + " values; give [low, high]");
        }
        return new double[] {range.get(0), range.get(1)};
    }

    private static boolean set(Config c, String key) {
        return c.hasPath(key) && !(c.getValue(key).valueType() == ConfigValueType.STRING && c.getString(key).isBlank());
    }

    private static Optional<String> text(Config c, String key) {
        return set(c, key) ? Optional.of(c.getString(key).strip()) : Optional.empty();
    }

    /** A HOCON list of numbers, or a comma-separated string as given on the command line. */
    private static List<Double> numbers(Config c, String key) {
        if (!set(c, key)) {
            throw new ConfigException("configuration key " + key + " is required with scaling.type = "
                    + c.getString("scaling.type") + " (one number per input feature)");
        }
        if (c.getValue(key).valueType() == ConfigValueType.LIST) {
            return c.getDoubleList(key);
        }
        List<Double> values = new ArrayList<>();
        for (String part : c.getString(key).replace("[", "").replace("]", "").split(",")) {
            try {
                values.add(Double.parseDouble(part.strip()));
            } catch (NumberFormatException e) {
                throw new ConfigException("configuration key " + key + " holds '" + part.strip()
                        + "', which is not a number");
            }
        }
        return values;
    }

    /** scikit-learn's attributes as {@code json.dump} writes them. */
    private static final class ScalerFile {

        static ScalingConfig read(String path, int features, Map<String, String> inverse) {
            Path file = Path.of(path);
            JsonNode json;
            try {
                if (!Files.isRegularFile(file)) {
                    throw new ConfigException("scaling.file " + path + " does not exist or is not a file");
                }
                if (Files.size(file) > MAX_FILE_BYTES) {
                    throw new ConfigException("scaling.file " + path + " is " + Files.size(file) + " bytes: not a "
                            + "scaler's attributes (a JSON object of a few lists)");
                }
                json = new ObjectMapper().readTree(Files.readAllBytes(file));
            } catch (IOException e) {
                throw new ConfigException("scaling.file " + path + " cannot be read as JSON: "
                        + e.getMessage().lines().findFirst().orElse(""), e);
            }
            if (json == null || !json.isObject()) {
                throw new ConfigException("scaling.file " + path + " is not a JSON object; write it as "
                        + "json.dump({\"type\": \"MinMaxScaler\", \"data_min_\": s.data_min_.tolist(), ...})");
            }
            String type = json.path("type").asText("");
            return switch (type) {
                case "MinMaxScaler" -> {
                    List<Double> range = list(json, "feature_range", path, 2, 0);
                    yield new ScalingConfig(Kind.MINMAX, Source.FILE, Optional.of(path),
                            list(json, "data_min_", path, features, Double.NaN),
                            list(json, "data_max_", path, features, Double.NaN),
                            range.get(0), range.get(1), inverse);
                }
                // with_mean=False / with_std=False leave mean_ / scale_ as None: no shift, no division.
                case "StandardScaler" -> new ScalingConfig(Kind.STANDARD, Source.FILE, Optional.of(path),
                        list(json, "mean_", path, features, 0), list(json, "scale_", path, features, 1), 0, 1,
                        inverse);
                default -> throw new ConfigException("scaling.file " + path + " has type '" + type + "'; supported: "
                        + "\"MinMaxScaler\" (data_min_, data_max_, feature_range) and \"StandardScaler\" "
                        + "(mean_, scale_)");
            };
        }

        /**
         * A list of numbers; absent or null: {@code size} copies of {@code absent} (NaN: required), except
         * feature_range, which defaults to [0, 1].
         */
        private static List<Double> list(JsonNode json, String key, String path, int size, double absent) {
            JsonNode node = json.get(key);
            if (node == null || node.isNull()) {
                if (key.equals("feature_range")) {
                    return List.of(0.0, 1.0);
                }
                if (Double.isNaN(absent)) {
                    throw new ConfigException("scaling.file " + path + " has no \"" + key + "\" list");
                }
                return java.util.Collections.nCopies(size, absent);
            }
            List<Double> values = new ArrayList<>();
            for (JsonNode value : node.isArray() ? node : List.of(node)) {
                if (!value.isNumber()) {
                    throw new ConfigException("scaling.file " + path + ": \"" + key + "\" holds " + value
                            + ", which is not a number");
                }
                values.add(value.asDouble());
            }
            return values;
        }
    }
}
