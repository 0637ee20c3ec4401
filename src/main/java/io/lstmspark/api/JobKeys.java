package io.lstmspark.api;

import com.typesafe.config.ConfigUtil;
import io.lstmspark.config.ConfigException;
import io.lstmspark.config.JobConfig;
import io.lstmspark.config.JobConfigLoader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The transformer's parameters as the job's configuration keys, loaded and checked by the job's own
 * loader: the same defaults, the same refusals, the same messages.
 */
final class JobKeys {

    /** What messages call the input in place of input.path. */
    static final String INPUT = "the input Dataset";
    /** Keys about reading and writing, which the caller does with its own Datasets. */
    private static final Set<String> CALLERS_KEYS = Set.of("input.path", "input.format", "input.options",
            "output.path", "output.mode", "output.partition-by", "output.constant-columns");

    private final Map<String, String> keys = new LinkedHashMap<>();
    private final Map<String, String> owners = new LinkedHashMap<>();

    /** Sets {@code key} to {@code value} (a string, or a list of them) for the parameter {@code owner}. */
    JobKeys put(String key, Object value, String owner) {
        keys.put(key, hocon(value));
        owners.put(key, owner);
        return this;
    }

    /** Sets {@code key} to the entries of {@code values}, in their order. */
    JobKeys putObject(String key, Map<String, String> values, String owner) {
        // One entry a line: the loader keeps an object's entries in the order of their lines.
        keys.put(key, values.entrySet().stream()
                .map(e -> ConfigUtil.quoteString(e.getKey()) + " = " + ConfigUtil.quoteString(e.getValue()))
                .collect(Collectors.joining("\n", "{\n", "\n}")));
        owners.put(key, owner);
        return this;
    }

    /** The configuration: these keys, then {@code jobKeys} as the command line gives them, over the defaults. */
    JobConfig load(Map<String, String> jobKeys) {
        List<String> overrides = new ArrayList<>();
        overrides.add("input.path=" + ConfigUtil.quoteString(INPUT));
        overrides.add("output.path=" + ConfigUtil.quoteString("the caller's output"));
        keys.forEach((key, value) -> overrides.add(key + "=" + value));
        jobKeys.forEach((key, value) -> {
            if (CALLERS_KEYS.contains(key) || CALLERS_KEYS.stream().anyMatch(k -> key.startsWith(k + "."))) {
                throw new ConfigException("job key " + key + " is about reading or writing files, which the caller "
                        + "does with the Datasets of the DataFrame API: remove it from jobKeys");
            }
            owners.forEach((owned, owner) -> {
                if (key.equals(owned) || key.startsWith(owned + ".")) {
                    throw new ConfigException("job key " + key + " is the transformer's parameter " + owner
                            + ": set it there, not in jobKeys");
                }
            });
            overrides.add(key + "=" + value);
        });
        return JobConfigLoader.load(Optional.empty(), overrides);
    }

    private static String hocon(Object value) {
        if (value instanceof String[] list) {
            return List.of(list).stream().map(ConfigUtil::quoteString).collect(Collectors.joining(", ", "[", "]"));
        }
        return ConfigUtil.quoteString(String.valueOf(value));
    }
}
