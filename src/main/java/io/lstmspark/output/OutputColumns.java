package io.lstmspark.output;

import io.lstmspark.config.ConfigException;
import io.lstmspark.config.JobConfig;
import io.lstmspark.config.ScalingConfig;
import io.lstmspark.config.StreamLayout;
import io.lstmspark.config.WindowMode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The output's column names as the configuration makes them: keys, outputs, constant columns. */
public final class OutputColumns {

    private OutputColumns() {
    }

    /**
     * Refuses, before any task runs, column names that clash. Every column of the output gets one name: a constant
     * column that took a key's or an output's name would replace its values in every row (Spark's withColumn), and
     * names equal but for case are one column to Spark. Quarantine records get the constant columns too, when they can
     * be written.
     */
    public static void check(JobConfig config) {
        WindowMode mode = config.mode();
        StreamLayout layout = config.streamLayout();
        JobConfig.Output output = config.output();
        Map<String, String[]> taken = new LinkedHashMap<>();
        List<String> keys = mode == WindowMode.STREAM ? StreamRows.keyColumns(layout)
                : config.forecast().hasHorizon() ? HorizonRows.keyColumns(config.forecast().layout())
                : List.of(OutputSchema.SERIES_ID, OutputSchema.WINDOW_START, OutputSchema.WINDOW_END);
        String keyOwner = mode == WindowMode.STREAM
                ? "mode = stream, stream.layout = " + layout.name().toLowerCase(Locale.ROOT)
                : "mode = " + mode.name().toLowerCase(Locale.ROOT);
        for (String key : keys) {
            claim(taken, key, key, "key column '" + key + "' (" + keyOwner + ")");
        }
        for (String column : config.outputs().keySet()) {
            claim(taken, column, "outputs." + column, "output column '" + column + "' (outputs." + column + ")");
        }
        config.scaling().filter(s -> s.source() == ScalingConfig.Source.PER_SERIES).ifPresent(s -> s.parameterNames()
                .forEach(parameter -> claim(taken, OutputSchema.SCALER_PREFIX + parameter, "scaling.fit",
                        "column '" + OutputSchema.SCALER_PREFIX + parameter + "' (scaling.fit = per-series)")));
        boolean quarantine = config.input().onBad() == JobConfig.BadInput.QUARANTINE
                || output.onNan() == JobConfig.OnNan.QUARANTINE;
        for (String column : output.constantColumns().keySet()) {
            String key = "output.constant-columns." + column;
            claim(taken, column, key, "constant column '" + column + "' (" + key + ")");
            for (String field : QuarantineRecords.SCHEMA.fieldNames()) {
                if (quarantine && field.equalsIgnoreCase(column)) {
                    throw new ConfigException(key + " names column '" + column + "', which would replace column '"
                            + field + "' of the quarantine records (_quarantine): rename the constant column");
                }
            }
        }
    }

    /** Takes {@code column}'s name for {@code description}, or names both when it is taken. */
    private static void claim(Map<String, String[]> taken, String column, String key, String description) {
        String[] earlier = taken.putIfAbsent(column.toLowerCase(Locale.ROOT), new String[] {column, description});
        if (earlier != null) {
            throw new ConfigException(key + " names column '" + column + "', which clashes with " + earlier[1]
                    + (earlier[0].equals(column) ? "" : ", as Spark matches column names ignoring case")
                    + ": every column of the output needs a name of its own; rename one of them");
        }
    }
}
