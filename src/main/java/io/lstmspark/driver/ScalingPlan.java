package io.lstmspark.driver;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.stddev_pop;
import static org.apache.spark.sql.functions.when;

import io.lstmspark.config.JobConfig;
import io.lstmspark.config.ScalingConfig;
import io.lstmspark.model.ModelCall;
import io.lstmspark.series.FeatureScaling;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * The job's {@code scaling} turned into what tasks apply ({@link FeatureScaling}), and, for
 * {@code scaling.fit = per-series}, the Spark aggregation that fits each series' parameters.
 */
final class ScalingPlan {

    /** The fitted parameters, 2 per feature, appended to every step row of the series. */
    private static final String FITTED_COLUMN = "_lstm_spark_scaler_";

    private ScalingPlan() {
    }

    /**
     * Adds each series' own parameters to its rows (min and max, or mean and population std, of each
     * feature's finite values up to {@code cutoff}), on steps already partitioned by series, so that the
     * window aggregate needs no exchange of its own.
     */
    static Dataset<Row> withFittedParams(Dataset<Row> bySeries, JobConfig config, Optional<Column> upToCutoff) {
        Optional<ScalingConfig> scaling = config.scaling();
        if (scaling.isEmpty() || scaling.get().source() != ScalingConfig.Source.PER_SERIES) {
            return bySeries;
        }
        WindowSpec series = Window.partitionBy(col(config.input().seriesId()));
        Dataset<Row> steps = bySeries;
        List<String> features = config.input().features();
        for (int f = 0; f < features.size(); f++) {
            Column value = col(features.get(f));
            Column usable = value.between(-Double.MAX_VALUE, Double.MAX_VALUE);
            if (upToCutoff.isPresent()) {
                usable = usable.and(upToCutoff.get());
            }
            Column fitted = when(usable, value);
            boolean minmax = scaling.get().kind() == ScalingConfig.Kind.MINMAX;
            steps = steps.withColumn(FITTED_COLUMN + (2 * f), (minmax ? min(fitted) : avg(fitted)).over(series))
                    .withColumn(FITTED_COLUMN + (2 * f + 1), (minmax ? max(fitted) : stddev_pop(fitted)).over(series));
        }
        return steps;
    }

    /** What tasks apply: fixed parameters, or the fitted columns' position in {@code fieldNames}. */
    static FeatureScaling forTasks(JobConfig config, String[] fieldNames, List<ModelCall.FetchedOutput> outputs) {
        if (config.scaling().isEmpty()) {
            return FeatureScaling.NONE;
        }
        ScalingConfig scaling = config.scaling().get();
        List<String> features = config.input().features();
        int[] inverse = new int[outputs.size()];
        for (int o = 0; o < inverse.length; o++) {
            String feature = scaling.inverse().get(outputs.get(o).column());
            inverse[o] = feature == null ? -1 : features.indexOf(feature);
        }
        FeatureScaling.Kind kind = scaling.kind() == ScalingConfig.Kind.MINMAX ? FeatureScaling.Kind.MINMAX
                : FeatureScaling.Kind.STANDARD;
        if (scaling.source() == ScalingConfig.Source.PER_SERIES) {
            int field = Arrays.asList(fieldNames).indexOf(FITTED_COLUMN + 0);
            if (field < 0) {
                throw new IllegalStateException("the steps carry no fitted scaling parameters");
            }
            return FeatureScaling.of(kind, scaling.rangeLow(), scaling.rangeHigh(), null, field, inverse);
        }
        double[] params = new double[2 * features.size()];
        for (int f = 0; f < features.size(); f++) {
            params[2 * f] = scaling.first().get(f);
            params[2 * f + 1] = scaling.second().get(f);
        }
        return FeatureScaling.of(kind, scaling.rangeLow(), scaling.rangeHigh(), params, -1, inverse);
    }

    /** The per-series parameter columns the output gets (none unless fitted per series). */
    static List<String> outputParameters(JobConfig config) {
        return config.scaling().filter(s -> s.source() == ScalingConfig.Source.PER_SERIES)
                .map(ScalingConfig::parameterNames).orElse(List.of());
    }

    /** The scaling for the run report: parameters by feature (or where fitted ones are), inverse columns. */
    static Map<String, Object> reportEntry(JobConfig config, String fittedOn) {
        ScalingConfig scaling = config.scaling().orElseThrow();
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("type", scaling.kind().name().toLowerCase(Locale.ROOT));
        entry.put("source", scaling.source().name().toLowerCase(Locale.ROOT).replace('_', '-'));
        scaling.file().ifPresent(file -> entry.put("file", file));
        if (scaling.kind() == ScalingConfig.Kind.MINMAX) {
            entry.put("feature_range", List.of(scaling.rangeLow(), scaling.rangeHigh()));
        }
        if (scaling.source() == ScalingConfig.Source.PER_SERIES) {
            entry.put("fitted_on", fittedOn);
            entry.put("output_columns", outputParameters(config).stream().map(p -> "scaler_" + p).toList());
        } else {
            Map<String, Object> byFeature = new LinkedHashMap<>();
            List<String> names = scaling.parameterNames();
            for (int f = 0; f < config.input().features().size(); f++) {
                byFeature.put(config.input().features().get(f),
                        Map.of(names.get(0), scaling.first().get(f), names.get(1), scaling.second().get(f)));
            }
            entry.put("parameters", byFeature);
        }
        entry.put("inverse", new LinkedHashMap<>(scaling.inverse()));
        return entry;
    }
}
