package io.lstmspark.report;

import java.util.List;

/**
 * Errors of forecasts against the actual values the input holds after each forecast's window
 * ({@code forecast.actuals}, a {@code forecast.cutoff} in the past): value k of a forecast is compared with
 * the actual at the k-th step after its window's end.
 *
 * @param columns one entry per output column of forecast.actuals
 */
public record Backtest(List<ColumnErrors> columns) {

    /** Series listed per column at most; the overall errors cover every series. */
    public static final int SERIES_LISTED = 1000;

    /**
     * @param column          the output column
     * @param actual          the input feature it was compared with
     * @param overall         over every compared value of every series
     * @param series          per series, the first {@value #SERIES_LISTED} series ids in order
     * @param seriesTruncated true when more series were compared than are listed
     */
    public record ColumnErrors(String column, String actual, Errors overall, List<SeriesErrors> series,
                               boolean seriesTruncated) {
    }

    /**
     * MAE = mean |f - a|; RMSE = sqrt(mean (f - a)^2); sMAPE = mean 200 |f - a| / (|f| + |a|) in percent, a
     * pair with f = a = 0 counting 0. Null when nothing was compared.
     *
     * @param series series with at least one compared value
     * @param points forecast values compared with an actual
     */
    public record Errors(long series, long points, Double mae, Double rmse, Double smapePercent) {
    }

    public record SeriesErrors(String seriesId, long points, double mae, double rmse, double smapePercent) {
    }
}
