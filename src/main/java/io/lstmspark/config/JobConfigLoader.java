package io.lstmspark.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException.BadValue;
import com.typesafe.config.ConfigException.WrongType;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import java.io.File;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import org.apache.commons.text.similarity.LevenshteinDistance;

/**
 * Reads a job configuration: the built-in defaults, then a HOCON file, then {@code key=value}
 * overrides, and validates it into a {@link JobConfig}. Unknown keys and wrong types fail here, with
 * the key named, before Spark starts any work.
 */
public final class JobConfigLoader {

    static final String DEFAULTS_RESOURCE = "lstm-spark-defaults.conf";
    /** Sections whose keys are the user's own names, not lstm-spark's. */
    private static final List<String> FREE_SECTIONS = List.of("outputs", "input.options", "output.constant-columns",
            "forecast.feedback", ForecastActuals.KEY, "output.options", "scaling.inverse");

    private JobConfigLoader() {
    }

    public static JobConfig load(Optional<File> file, List<String> overrides) {
        Config defaults = ConfigFactory.parseResources(JobConfigLoader.class, "/" + DEFAULTS_RESOURCE);
        Config fromFile = ConfigFactory.empty();
        if (file.isPresent()) {
            if (!file.get().isFile()) {
                throw new ConfigException("configuration file " + file.get() + " does not exist");
            }
            try {
                fromFile = ConfigFactory.parseFile(file.get(), ConfigParseOptions.defaults().setAllowMissing(false));
            } catch (com.typesafe.config.ConfigException e) {
                throw new ConfigException("cannot read configuration file " + file.get() + ": " + parseError(e), e);
            }
        }
        Config fromArgs = parseOverrides(overrides);
        // key={...} on the command line replaces the file's object at key; key.sub=value changes one entry.
        for (String override : overrides) {
            String key = override.substring(0, override.indexOf('=')).trim();
            if (override.substring(override.indexOf('=') + 1).trim().startsWith("{")) {
                fromFile = fromFile.withoutPath(key);
            }
        }
        Config user = fromArgs.withFallback(fromFile);
        rejectUnknownKeys(defaults, user);
        Config config;
        try {
            config = user.withFallback(defaults).resolve();
        } catch (com.typesafe.config.ConfigException e) {
            throw new ConfigException("configuration: " + e.getMessage(), e);
        }
        return validate(config);
    }

    /**
     * {@code key=value}: a value starting with [, { or " is HOCON (lists, objects, quoted strings);
     * anything else is taken as a literal string, so paths like {@code s3a://bucket/x} need no quoting.
     */
    static Config parseOverrides(List<String> overrides) {
        Config result = ConfigFactory.empty();
        for (String override : overrides) {
            int eq = override.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException("argument '" + override + "' is not key=value");
            }
            String key = override.substring(0, eq).trim();
            String value = override.substring(eq + 1).trim();
            ConfigValue parsed;
            if (value.startsWith("[") || value.startsWith("{") || value.startsWith("\"")) {
                try {
                    parsed = ConfigFactory.parseString("v = " + value,
                            ConfigParseOptions.defaults().setSyntax(ConfigSyntax.CONF)).getValue("v");
                } catch (com.typesafe.config.ConfigException e) {
                    throw new ConfigException("argument " + key + ": cannot parse '" + value + "': "
                            + parseError(e), e);
                }
            } else {
                parsed = ConfigValueFactory.fromAnyRef(value, "command line");
            }
            result = result.withValue(key, parsed);
        }
        return result;
    }

    /**
     * HOCON's message, where an unquoted colon (an {@code lstm:} or {@code op:N} reference) is the likely
     * cause said as such: HOCON itself suggests renaming the file to .properties, which would not help.
     */
    private static String parseError(com.typesafe.config.ConfigException e) {
        String message = e.getMessage();
        int hint = message.indexOf(" (if you intended ':' to be part of a key or string value");
        if (hint < 0) {
            return message;
        }
        return message.substring(0, hint) + ": quote values that hold a colon, such as tensor references: "
                + "h = \"lstm:lstm_8.h\", y = \"dense/BiasAdd:0\" (on the command line: 'outputs.h=lstm:lstm_8.h' "
                + "needs no quotes, 'outputs={h = \"lstm:lstm_8.h\"}' does)";
    }

    private static void rejectUnknownKeys(Config defaults, Config user) {
        Set<String> known = new TreeSet<>();
        collectPaths(defaults.root(), "", known);
        for (String path : userPaths(user.root(), "")) {
            if (!known.contains(path) && FREE_SECTIONS.stream().noneMatch(s -> path.startsWith(s + "."))) {
                String suggestion = known.stream()
                        .min(Comparator.comparingInt(k -> LevenshteinDistance.getDefaultInstance().apply(k, path)))
                        .orElse("");
                if (path.startsWith("spark.")) {
                    throw new ConfigException("'" + path + "' is a Spark setting, not a job key: give it on the "
                            + "command line as " + path + "=VALUE (run-local.sh and run also take --conf " + path
                            + "=VALUE), or to spark-submit as --conf " + path + "=VALUE");
                }
                throw new ConfigException("unknown configuration key '" + path + "'"
                        + (LevenshteinDistance.getDefaultInstance().apply(suggestion, path) <= 3
                        ? "; did you mean '" + suggestion + "'?" : "; known keys: " + known));
            }
        }
    }

    /** Leaf paths of the defaults, null-valued ones included (entrySet() would skip them). */
    private static void collectPaths(ConfigObject object, String prefix, Set<String> into) {
        for (Map.Entry<String, ConfigValue> entry : object.entrySet()) {
            String path = prefix + entry.getKey();
            into.add(path);
            if (entry.getValue().valueType() == ConfigValueType.OBJECT) {
                collectPaths((ConfigObject) entry.getValue(), path + ".", into);
            }
        }
    }

    private static List<String> userPaths(ConfigObject object, String prefix) {
        List<String> paths = new ArrayList<>();
        for (Map.Entry<String, ConfigValue> entry : object.entrySet()) {
            String path = prefix + entry.getKey();
            if (entry.getValue().valueType() == ConfigValueType.OBJECT
                    && FREE_SECTIONS.stream().noneMatch(path::equals)) {
                paths.addAll(userPaths((ConfigObject) entry.getValue(), path + "."));
            } else {
                paths.add(path);
            }
        }
        return paths;
    }

    private static JobConfig validate(Config c) {
        try {
            JobConfig.Input input = new JobConfig.Input(
                    StorageKeys.inputPath(c),
                    required(c, "input.format"),
                    required(c, "input.series-id"),
                    required(c, "input.timestamp"),
                    distinct("input.features", stringList(c, "input.features")),
                    atLeast(c, "input.partitions", 0),
                    stringMap(c, "input.options"),
                    optional(c, "input.timestamp-format"),
                    JobConfig.BadInput.valueOf(
                            oneOf(c, "input.on-bad", "fail", "quarantine").toUpperCase(Locale.ROOT)));
            WindowMode mode = WindowMode.valueOf(
                    oneOf(c, "mode", "extract", "forecast", "stream").toUpperCase(Locale.ROOT));
            StreamLayout streamLayout = StreamLayout.valueOf(
                    oneOf(c, "stream.layout", "chunk", "step").toUpperCase(Locale.ROOT));
            OptionalInt length = c.getIsNull("window.length") ? OptionalInt.empty()
                    : OptionalInt.of(atLeast(c, "window.length", 1));
            JobConfig.Window window = new JobConfig.Window(length, atLeast(c, "window.stride", 1),
                    gap(c, "window.max-gap"));
            JobConfig.Model model = new JobConfig.Model(
                    required(c, "model.path"),
                    stringList(c, "model.tags"),
                    required(c, "model.signature"),
                    optional(c, "model.input"),
                    atLeast(c, "model.intra-op-threads", 0),
                    wholeNumber(c, "model.inter-op-threads"),
                    c.getStringList("model.allow-ops"),
                    c.getStringList("model.state-inputs"),
                    c.getStringList("model.state-outputs"),
                    c.getBoolean("model.output-from-taps"));
            if (model.stateInputs().size() != model.stateOutputs().size()) {
                throw new ConfigException("model.state-inputs lists " + model.stateInputs().size()
                        + " tensors and model.state-outputs " + model.stateOutputs().size()
                        + ": pair each initial-state input with the output that continues it");
            }
            Map<String, String> outputs = stringMap(c, "outputs");
            if (outputs.isEmpty()) {
                throw new ConfigException("outputs is empty: name at least one output column, e.g. "
                        + "outputs { forecast = \"forecast\" } (column = signature output key or op:N)");
            }
            JobConfig.OutputMode outputMode = JobConfig.OutputMode.valueOf(
                    oneOf(c, "output.mode", "error-if-exists", "overwrite").replace('-', '_').toUpperCase(Locale.ROOT));
            JobConfig.Output output = new JobConfig.Output(StorageKeys.outputPath(c), outputMode,
                    c.getStringList("output.partition-by"), stringMap(c, "output.constant-columns"),
                    JobConfig.OnNan.valueOf(oneOf(c, "output.on-nan", "fail", "quarantine", "keep")
                            .toUpperCase(Locale.ROOT)));
            Map<String, Object> rendered = c.root().withOnlyKey("input")
                    .withFallback(c.root().withOnlyKey("mode")).withFallback(c.root().withOnlyKey("window"))
                    .withFallback(c.root().withOnlyKey("stream"))
                    .withFallback(c.root().withOnlyKey("forecast")).withFallback(c.root().withOnlyKey("model"))
                    .withFallback(c.root().withOnlyKey("outputs")).withFallback(c.root().withOnlyKey("batch"))
                    .withFallback(c.root().withOnlyKey("output"))
                    .withFallback(c.root().withOnlyKey("scaling")).unwrapped();
            refuseFraction(c, "batch.max-bytes");
            return new JobConfig(input, mode, window, streamLayout, optional(c, "forecast.cutoff"), model, outputs,
                    atLeast(c, "batch.size", 1), c.getBytes("batch.max-bytes"), output, rendered,
                    ForecastSettings.read(c, mode, input.features(), outputs),
                    ForecastActuals.read(c, mode, outputs, input.features()),
                    StorageKeys.storage(c, stringMap(c, "output.options")),
                    ScalingConfig.parse(c, input.features(), outputs, stringMap(c, "scaling.inverse")),
                    ForecastLookback.parse(c));
        } catch (WrongType | BadValue e) {
            throw new ConfigException("configuration: " + e.getMessage(), e);
        }
    }

    private static String required(Config c, String key) {
        if (!c.hasPath(key) || c.getString(key).isBlank()) {
            throw new ConfigException("configuration key " + key + " is required");
        }
        return c.getString(key);
    }

    private static Optional<String> optional(Config c, String key) {
        return c.hasPath(key) && !c.getString(key).isBlank() ? Optional.of(c.getString(key)) : Optional.empty();
    }

    /** A whole number (integer timestamps) or a HOCON duration such as 2h or 90 minutes. */
    private static Optional<JobConfig.Gap> gap(Config c, String key) {
        Optional<String> text = optional(c, key);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        String value = text.get().strip();
        if (value.matches("\\d+")) {
            return Optional.of(new JobConfig.Gap(value, Optional.empty(), OptionalLong.of(Long.parseLong(value))));
        }
        return Optional.of(new JobConfig.Gap(value, Optional.of(c.getDuration(key)), OptionalLong.empty()));
    }

    private static String oneOf(Config c, String key, String... allowed) {
        String value = required(c, key).toLowerCase(Locale.ROOT);
        if (!Arrays.asList(allowed).contains(value)) {
            throw new ConfigException("configuration key " + key + " is '" + c.getString(key) + "'; use one of "
                    + String.join(", ", allowed));
        }
        return value;
    }

    private static int atLeast(Config c, String key, int minimum) {
        int value = wholeNumber(c, key);
        if (value < minimum) {
            throw new ConfigException("configuration key " + key + " is " + value + "; it must be at least " + minimum);
        }
        return value;
    }

    /** An int; HOCON's getInt would truncate 2.7 to 2 without a word. */
    private static int wholeNumber(Config c, String key) {
        refuseFraction(c, key);
        return c.getInt(key);
    }

    /** A plain number with a fractional part (2.7, "2.7" from the command line); sizes such as 1.5m pass. */
    private static void refuseFraction(Config c, String key) {
        String text = String.valueOf(c.getValue(key).unwrapped()).strip();
        BigDecimal number;
        try {
            number = new BigDecimal(text);
        } catch (NumberFormatException notANumber) {
            return;
        }
        if (number.stripTrailingZeros().scale() > 0) {
            throw new ConfigException("configuration key " + key + " is " + text + "; it must be a whole number");
        }
    }

    /** Spark resolves column names case-insensitively, so "a" and "A" name the same column. */
    private static List<String> distinct(String key, List<String> names) {
        Map<String, String> seen = new LinkedHashMap<>();
        for (String name : names) {
            String earlier = seen.putIfAbsent(name.toLowerCase(Locale.ROOT), name);
            if (earlier != null) {
                throw new ConfigException("configuration key " + key + " lists column '" + name + "' twice"
                        + (earlier.equals(name) ? "" : " (as '" + earlier + "' and '" + name + "')")
                        + ": each feature is one column of the window, in the model's order");
            }
        }
        return names;
    }

    /** A HOCON list, or a comma-separated string as given on the command line. */
    private static List<String> stringList(Config c, String key) {
        if (!c.hasPath(key)) {
            throw new ConfigException("configuration key " + key + " is required (a list)");
        }
        List<String> values = c.getValue(key).valueType() == ConfigValueType.LIST
                ? c.getStringList(key)
                : Arrays.stream(c.getString(key).split(",")).map(String::trim).toList();
        if (values.isEmpty() || values.stream().anyMatch(String::isBlank)) {
            throw new ConfigException("configuration key " + key + " must list at least one name, without blanks");
        }
        return List.copyOf(values);
    }

    /** A section of user-named keys, in the order they were written (HOCON objects keep none). */
    static Map<String, String> stringMap(Config c, String key) {
        Map<String, String> map = new LinkedHashMap<>();
        if (c.hasPath(key)) {
            List<Map.Entry<String, ConfigValue>> entries = new ArrayList<>(c.getObject(key).entrySet());
            entries.sort(Comparator.comparing((Map.Entry<String, ConfigValue> e) -> e.getValue().origin().lineNumber())
                    .thenComparing(Map.Entry::getKey));
            for (Map.Entry<String, ConfigValue> entry : entries) {
                Object value = entry.getValue().unwrapped();
                if (value instanceof Map || value instanceof List) {
                    throw new ConfigException("configuration key " + key + "." + entry.getKey()
                            + " must be a single value");
                }
                map.put(entry.getKey(), String.valueOf(value));
            }
        }
        return map;
    }
}
