package io.lstmspark.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.lstmspark.config.ConfigException;
import io.lstmspark.report.Backtest;
import io.lstmspark.report.RunReport;
import io.lstmspark.testing.ClosePrices;
import io.lstmspark.testing.Jobs;
import io.lstmspark.testing.Rows;
import io.lstmspark.testing.TestSpark;
import io.lstmspark.testing.Tolerance;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backtest with a real model (msft_close_lstm, raw closes in dollars): forecasts made at a cutoff in the
 * past, their errors against the closes after it checked against a reference computed here in plain Java
 * from the forecasts read back and the input as written.
 */
class BacktestTest {

    /** Day 29: windows end there, days 30..39 are actuals. */
    private static final int CUTOFF = 29;

    @TempDir
    static Path dir;

    private static String input;
    private static RunReport report;
    private static final List<String> JOB_DESCRIPTIONS = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void runBacktest() {
        input = ClosePrices.write(dir);
        SparkListener descriptions = new SparkListener() {
            @Override
            public void onJobStart(SparkListenerJobStart job) {
                JOB_DESCRIPTIONS.add(String.valueOf(job.properties().getProperty("spark.job.description")));
            }
        };
        TestSpark.session().sparkContext().addSparkListener(descriptions);
        // h (the LSTM's last hidden state, 64 values) stands in for a forecast of 64 steps: with 10 actuals after
        // the cutoff it checks that value k meets the k-th step and that missing steps are left out.
        report = Jobs.run(null, ClosePrices.job(input, dir.resolve("out").toString(), "mode=forecast",
                "forecast.cutoff=" + ClosePrices.day(CUTOFF).toInstant(),
                "outputs={forecast = dense_17, h = \"lstm:lstm_5.h\"}",
                "forecast.actuals={forecast = close, h = close}"));
        TestSpark.session().sparkContext().removeSparkListener(descriptions);
    }

    @Test
    void errorsPerSeriesAndOverallEqualAReferenceFromTheForecastsAndTheActuals() {
        for (String column : List.of("forecast", "h")) {
            Backtest.ColumnErrors errors = report.backtest().columns().stream()
                    .filter(c -> c.column().equals(column)).findFirst().orElseThrow();
            assertEquals("close", errors.actual());
            Map<String, double[]> reference = reference(column);
            assertEquals(List.copyOf(reference.keySet()),
                    errors.series().stream().map(Backtest.SeriesErrors::seriesId).toList(), "series, in order");
            double sumAbs = 0;
            double sumSq = 0;
            double sumSmape = 0;
            long points = 0;
            for (Backtest.SeriesErrors series : errors.series()) {
                double[] expected = reference.get(series.seriesId());
                String where = column + " of " + series.seriesId();
                assertEquals((long) expected[0], series.points(), where + ": points");
                Tolerance.assertClose(expected[1] / expected[0], series.mae(), 1e-9, where + ": MAE");
                Tolerance.assertClose(Math.sqrt(expected[2] / expected[0]), series.rmse(), 1e-9, where + ": RMSE");
                Tolerance.assertClose(expected[3] / expected[0], series.smapePercent(), 1e-9, where + ": sMAPE");
                points += (long) expected[0];
                sumAbs += expected[1];
                sumSq += expected[2];
                sumSmape += expected[3];
            }
            Backtest.Errors overall = errors.overall();
            assertEquals(ClosePrices.TICKERS.size(), overall.series());
            assertEquals(points, overall.points());
            Tolerance.assertClose(sumAbs / points, overall.mae(), 1e-9, column + ": overall MAE");
            Tolerance.assertClose(Math.sqrt(sumSq / points), overall.rmse(), 1e-9, column + ": overall RMSE");
            Tolerance.assertClose(sumSmape / points, overall.smapePercent(), 1e-9, column + ": overall sMAPE");
            assertFalse(errors.seriesTruncated());
        }
        assertEquals(ClosePrices.TICKERS.size() * 10L, report.backtest().columns().get(1).overall().points(),
                "h: 10 actuals after the cutoff per series, its other 54 values have none");
    }

    @Test
    void aRecursiveHorizonInTheLongLayoutIsComparedStepByStepWithTheActuals() {
        RunReport horizon = Jobs.run(null, ClosePrices.job(input, dir.resolve("horizon").toString(), "mode=forecast",
                "forecast.cutoff=" + ClosePrices.day(CUTOFF).toInstant(), "forecast.horizon=5",
                "forecast.feedback={close = forecast}", "outputs={forecast = dense_17}",
                "forecast.actuals={forecast = close}"));
        double sumAbs = 0;
        long points = 0;
        for (Row row : TestSpark.session().read().parquet(dir.resolve("horizon").toString()).collectAsList()) {
            int ticker = ClosePrices.TICKERS.indexOf((String) row.getAs("series_id"));
            int step = row.getAs("step");
            double actual = ClosePrices.close(ticker, CUTOFF + step);
            sumAbs += Math.abs(((Number) row.getAs("forecast")).doubleValue() - actual);
            points++;
        }
        Backtest.Errors overall = horizon.backtest().columns().get(0).overall();
        assertEquals(ClosePrices.TICKERS.size() * 5L, points, "a row per series and step");
        assertEquals(points, overall.points());
        Tolerance.assertClose(sumAbs / points, overall.mae(), 1e-9, "overall MAE over the horizon's steps");
    }

    @Test
    void theJsonReportHoldsTheErrors() throws IOException {
        JsonNode json = RunReport.mapper().readTree(dir.resolve("out").resolve(RunReport.FILE_NAME).toFile());
        JsonNode forecast = json.at("/backtest/columns/0");
        assertEquals("forecast", forecast.get("column").asText());
        assertEquals(report.backtest().columns().get(0).overall().mae(), forecast.at("/overall/mae").asDouble());
        assertEquals(ClosePrices.TICKERS.size(), forecast.get("series").size());
        assertTrue(forecast.at("/series/0/smape_percent").isNumber());
        assertTrue(json.get("stage_millis").has("report_backtest_and_samples"));
    }

    @Test
    void theSparkUiNamesTheBacktestAndSampleJobs() throws InterruptedException {
        for (int wait = 0; wait < 100 && JOB_DESCRIPTIONS.stream().noneMatch(d -> d.contains("charts")); wait++) {
            Thread.sleep(100); // the listener bus delivers job starts asynchronously
        }
        assertTrue(JOB_DESCRIPTIONS.contains("lstm-spark report: backtest errors of {forecast=close, h=close} "
                + "(forecasts joined with the input's steps after their windows)"), JOB_DESCRIPTIONS.toString());
        assertTrue(JOB_DESCRIPTIONS.contains("lstm-spark report: sample of the output and input for the HTML "
                + "report's charts"), JOB_DESCRIPTIONS.toString());
    }

    @Test
    void withoutForecastActualsTheReportHasNoBacktest() throws IOException {
        RunReport plain = Jobs.run(null, ClosePrices.job(input, dir.resolve("plain").toString(), "mode=forecast",
                "outputs={forecast = dense_17}"));
        assertNull(plain.backtest());
        assertFalse(RunReport.mapper().readTree(dir.resolve("plain").resolve(RunReport.FILE_NAME).toFile())
                .has("backtest"));
    }

    @Test
    void anActualsColumnWithMoreThanOneValuePerStepIsRefusedBeforeAnyTaskRuns() {
        ConfigException e = assertThrows(ConfigException.class, () -> Jobs.run(null, ClosePrices.job(input,
                dir.resolve("seq").toString(), "mode=forecast", "outputs={seq = \"lstm:lstm_5.sequence\"}",
                "forecast.actuals.seq=close")));
        assertEquals("forecast.actuals.seq: output 'lstm:lstm_5.sequence' has per-window shape [5, 64], not one "
                + "value per forecast step: name an output of shape [steps] or a scalar", e.getMessage());
    }

    /** Series id -> {points, sum |f - a|, sum (f - a)^2, sum sMAPE term}, from the output read back. */
    private static Map<String, double[]> reference(String column) {
        Map<String, double[]> sums = new TreeMap<>();
        List<Row> rows = TestSpark.session().read().parquet(dir.resolve("out").toString()).collectAsList();
        for (Row row : rows) {
            String ticker = row.getAs("series_id");
            Timestamp end = row.getAs("window_end");
            int i = ClosePrices.TICKERS.indexOf(ticker);
            List<Double> actuals = new ArrayList<>();
            for (int t = 0; t < ClosePrices.DAYS; t++) {
                if (ClosePrices.day(t).after(end)) {
                    actuals.add(ClosePrices.close(i, t));
                }
            }
            double[] forecast = Rows.values(row, column);
            double[] s = new double[4];
            for (int k = 0; k < Math.min(forecast.length, actuals.size()); k++) {
                double f = forecast[k];
                double a = actuals.get(k);
                s[0]++;
                s[1] += Math.abs(f - a);
                s[2] += (f - a) * (f - a);
                s[3] += Math.abs(f) + Math.abs(a) == 0 ? 0 : 200 * Math.abs(f - a) / (Math.abs(f) + Math.abs(a));
            }
            sums.put(ticker, s);
        }
        return sums;
    }
}
