package io.lstmspark.report.html;

import java.util.List;

/**
 * The data the HTML report's charts draw, read back by the driver from a bounded sample of the run's
 * output and input (the first series ids in order).
 *
 * @param forecasts forecast mode: per sampled series, its last steps and its forecast
 * @param states    extract and stream modes: per sampled series, a hidden state over time
 * @param note      what was sampled, or why nothing was; shown above the charts
 */
public record ChartSamples(List<ForecastSample> forecasts, List<StateSample> states, String note) {

    public static ChartSamples none(String why) {
        return new ChartSamples(List.of(), List.of(), why);
    }

    /**
     * One series' forecast. Steps are counted from the window's end: history value i is at step
     * {@code i - history.length + 1} (the last at 0), forecast and actual value k at step k + 1.
     *
     * @param column  the output column
     * @param feature the input feature drawn as history and actuals; null when none is known to match
     * @param history the feature's last steps up to the window's end
     * @param actuals the feature's steps after the window's end (a backtest), as many as were found
     */
    public record ForecastSample(String seriesId, String column, String feature, String windowEnd, double[] history,
                                 double[] forecast, double[] actuals) {
    }

    /**
     * One series' state over time.
     *
     * @param timeAxis what a time index counts: windows (extract) or steps (stream)
     * @param values   [time][unit], the last times of the series
     * @param firstTime the index of {@code values[0]} in the series
     */
    public record StateSample(String seriesId, String column, String timeAxis, long firstTime, double[][] values) {
    }
}
