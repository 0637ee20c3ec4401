package io.lstmspark.testing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Input series collected on the test's side, independently of the job: series id → steps in time
 * order, each step a timestamp and its feature values.
 */
public final class SeriesTable {

    public record Step(Object timestamp, double[] values) {
    }

    private final Map<Object, List<Step>> series;

    private SeriesTable(Map<Object, List<Step>> series) {
        this.series = series;
    }

    /** Collects (series, timestamp, features...) from a dataset and sorts every series by time. */
    @SuppressWarnings("unchecked")
    public static SeriesTable collect(Dataset<Row> input, String seriesId, String timestamp, List<String> features) {
        Map<Object, List<Step>> series = new LinkedHashMap<>();
        for (Row row : input.collectAsList()) {
            double[] values = new double[features.size()];
            for (int f = 0; f < values.length; f++) {
                values[f] = ((Number) row.getAs(features.get(f))).doubleValue();
            }
            series.computeIfAbsent(row.getAs(seriesId), k -> new ArrayList<>())
                    .add(new Step(row.getAs(timestamp), values));
        }
        for (List<Step> steps : series.values()) {
            steps.sort(Comparator.comparing(s -> (Comparable<Object>) s.timestamp()));
        }
        return new SeriesTable(series);
    }

    public Map<Object, List<Step>> series() {
        return series;
    }

    public List<Step> steps(Object seriesId) {
        return series.get(seriesId);
    }

    /** Index of the step at {@code timestamp} in the series, or -1. */
    public int indexOf(Object seriesId, Object timestamp) {
        List<Step> steps = series.get(seriesId);
        for (int i = 0; i < steps.size(); i++) {
            if (steps.get(i).timestamp().equals(timestamp)) {
                return i;
            }
        }
        return -1;
    }

    /** Values of steps [from, from + length) as x[step][feature]. */
    public double[][] window(Object seriesId, int from, int length) {
        List<Step> steps = series.get(seriesId);
        double[][] x = new double[length][];
        for (int t = 0; t < length; t++) {
            x[t] = steps.get(from + t).values();
        }
        return x;
    }
}
