package io.lstmspark.report.html;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.lstmspark.report.RunReport;
import io.lstmspark.testing.ClosePrices;
import io.lstmspark.testing.HeadlessChromium;
import io.lstmspark.testing.Jobs;
import io.lstmspark.testing.Rows;
import io.lstmspark.testing.TestSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.DoubleStream;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The HTML report of real runs (msft_close_lstm over eight tickers' closes), opened from the file system in
 * a real headless Chromium: the charts are there, decoded and drawn with the run's data (axis ranges from
 * the output read back, the series' colours in the pixels), and the tables say what the JSON says.
 */
class HtmlReportBrowserTest {

    private static final int CUTOFF = 29;
    private static final int STREAM_DAYS = 38;
    private static final List<String> FIRST_SIX = List.of("AAPL", "AMZN", "GOOG", "IBM", "META", "MSFT");

    @TempDir
    static Path dir;

    private static HeadlessChromium browser;

    @BeforeAll
    static void runJobsAndStartBrowser() throws IOException {
        browser = HeadlessChromium.start();
        String input = ClosePrices.write(dir);
        Jobs.run(null, ClosePrices.job(input, dir.resolve("forecast").toString(), "mode=forecast",
                "forecast.cutoff=" + ClosePrices.day(CUTOFF).toInstant(), "outputs={forecast = dense_17}",
                "forecast.actuals.forecast=close"));
        Jobs.run(null, ClosePrices.job(input, dir.resolve("extract").toString(),
                "outputs={forecast = dense_17, h = \"lstm:lstm_5.h\"}"));
        // 38 days: chunks of 5 steps, the last one 3 real steps and 2 of padding.
        String shorter = dir.resolve("input38").toString();
        TestSpark.session().createDataFrame(ClosePrices.rows(STREAM_DAYS), ClosePrices.SCHEMA).write().parquet(shorter);
        for (String layout : List.of("step", "chunk")) {
            Jobs.run(null, ClosePrices.job(shorter, dir.resolve("stream-" + layout).toString(), "mode=stream",
                    "stream.layout=" + layout, "outputs={states = \"lstm:lstm_5.sequence\"}"));
        }
    }

    @AfterAll
    static void closeBrowser() throws IOException {
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    void forecastChartsDrawTheFirstSixSeriesWithTheirHistoryForecastAndActuals() {
        open("forecast");
        List<WebElement> charts = browser.driver().findElements(By.cssSelector("img.chart.forecast"));
        assertEquals(FIRST_SIX, charts.stream().map(c -> c.getDomAttribute("data-series")).toList());
        Map<String, Double> forecasts = new HashMap<>();
        for (Row row : TestSpark.session().read().parquet(dir.resolve("forecast").toString()).collectAsList()) {
            forecasts.put(row.getAs("series_id"), Rows.values(row, "forecast")[0]);
            assertEquals(ClosePrices.day(CUTOFF), row.<Timestamp>getAs("window_end"));
        }
        for (WebElement chart : charts) {
            String ticker = chart.getDomAttribute("data-series");
            assertRendered(chart);
            int i = ClosePrices.TICKERS.indexOf(ticker);
            // 20 steps of history (4 x the window of 5) up to the cutoff, the forecast, the close after it.
            double[] drawn = DoubleStream.concat(
                    DoubleStream.iterate(CUTOFF - 19, t -> t + 1).limit(20).map(t -> ClosePrices.close(i, (int) t)),
                    DoubleStream.of(forecasts.get(ticker), ClosePrices.close(i, CUTOFF + 1))).toArray();
            assertAxisFits(chart, "data-y-axis", Arrays.stream(drawn).min().orElseThrow(),
                    Arrays.stream(drawn).max().orElseThrow(), ticker);
            assertAxisFits(chart, "data-x-axis", -19, 1, ticker);
            assertTrue(pixels(chart, Charts.HISTORY) > 50, ticker + ": the history's line is drawn");
            assertTrue(pixels(chart, Charts.FORECAST) > 20, ticker + ": the forecast's point is drawn");
            assertTrue(pixels(chart, Charts.ACTUAL) > 20, ticker + ": the actual's point is drawn");
        }
    }

    @Test
    void backtestTableShowsTheJsonErrors() throws IOException {
        open("forecast");
        JsonNode column = json("forecast").at("/backtest/columns/0");
        WebElement table = browser.driver().findElement(By.cssSelector("table.backtest[data-column=forecast]"));
        List<WebElement> rows = table.findElements(By.cssSelector("tr[data-series]"));
        assertEquals(1 + ClosePrices.TICKERS.size(), rows.size(), "overall, then every series");
        assertCells(rows.get(0), column.get("overall"));
        for (int r = 1; r < rows.size(); r++) {
            JsonNode series = column.at("/series/" + (r - 1));
            assertEquals(series.get("series_id").asText(), rows.get(r).getDomAttribute("data-series"));
            assertCells(rows.get(r), series);
        }
    }

    @Test
    void countsAndStagesTablesSayWhatTheJsonSays() throws IOException {
        for (String run : List.of("forecast", "extract")) {
            open(run);
            JsonNode json = json(run);
            Map<String, String> expected = new HashMap<>();
            json.get("counts").fields().forEachRemaining(f -> {
                if (f.getValue().isObject()) {
                    f.getValue().fields().forEachRemaining(e -> expected.put(f.getKey() + "." + e.getKey(),
                            e.getValue().asText()));
                } else {
                    expected.put(f.getKey(), f.getValue().asText());
                }
            });
            Map<String, String> shown = new HashMap<>();
            for (WebElement row : browser.driver().findElements(By.cssSelector("#counts tr[data-key]"))) {
                shown.put(row.getDomAttribute("data-key"), row.findElements(By.tagName("td")).get(1).getText());
            }
            assertEquals(expected, shown, run + ": counts");
            assertEquals(String.valueOf(ClosePrices.TICKERS.size()), shown.get("series"));
            Map<String, String> stages = new HashMap<>();
            json.get("stage_millis").fields().forEachRemaining(f -> stages.put(f.getKey(),
                    String.format(Locale.ROOT, "%.3f", f.getValue().asLong() / 1e3)));
            Map<String, String> stagesShown = new HashMap<>();
            for (WebElement row : browser.driver().findElements(By.cssSelector("#stages tr[data-key]"))) {
                stagesShown.put(row.getDomAttribute("data-key"), row.findElements(By.tagName("td")).get(1).getText());
            }
            assertEquals(stages, stagesShown, run + ": stages, in seconds");
            long tasks = 0;
            for (JsonNode executor : json.get("executors")) {
                tasks += executor.get("tasks").asLong();
            }
            assertEquals(tasks + 1, browser.driver().findElements(By.cssSelector("#tasks tr")).size(),
                    run + ": a row per task under the header");
            assertRendered(browser.driver().findElement(By.cssSelector("img.chart.throughput")));
        }
    }

    @Test
    void heatmapsDrawTheTappedHiddenStateOfTheFirstThreeSeries() {
        open("extract");
        List<WebElement> charts = browser.driver().findElements(By.cssSelector("img.chart.heatmap"));
        assertEquals(FIRST_SIX.subList(0, 3), charts.stream().map(c -> c.getDomAttribute("data-series")).toList());
        List<Row> rows = TestSpark.session().read().parquet(dir.resolve("extract").toString()).collectAsList();
        for (WebElement chart : charts) {
            String ticker = chart.getDomAttribute("data-series");
            assertEquals("h", chart.getDomAttribute("data-column"));
            assertRendered(chart);
            List<Row> windows = rows.stream().filter(r -> ticker.equals(r.getAs("series_id"))).toList();
            assertEquals(ClosePrices.DAYS - 4, windows.size());
            double largest = windows.stream().flatMapToDouble(r -> Arrays.stream(Rows.values(r, "h")))
                    .map(Math::abs).max().orElseThrow();
            assertEquals(largest, Double.parseDouble(chart.getDomAttribute("data-value-bound")), largest * 1e-5,
                    ticker + ": the colour scale spans the state's values");
            assertAxisFits(chart, "data-x-axis", 0, windows.size() - 1, ticker + " windows");
            assertAxisFits(chart, "data-y-axis", 0, 63, ticker + " units");
            assertTrue(distinctColours(chart) >= 16, ticker + ": the heatmap has many shades");
        }
        assertTrue(browser.driver().findElements(By.cssSelector("img.chart.forecast")).isEmpty());
    }

    @Test
    void streamHeatmapsDrawEveryRealStepOfTheSeriesInBothLayouts() {
        for (String layout : List.of("step", "chunk")) {
            open("stream-" + layout);
            List<WebElement> charts = browser.driver().findElements(By.cssSelector("img.chart.heatmap"));
            assertEquals(FIRST_SIX.subList(0, 3), charts.stream().map(c -> c.getDomAttribute("data-series")).toList(),
                    layout);
            List<Row> rows = TestSpark.session().read().parquet(dir.resolve("stream-" + layout).toString())
                    .collectAsList();
            for (WebElement chart : charts) {
                String ticker = chart.getDomAttribute("data-series");
                String what = layout + " layout, " + ticker;
                assertEquals("states", chart.getDomAttribute("data-column"), what);
                assertRendered(chart);
                // Both layouts hold the same states: the step layout's rows are the real steps.
                double largest = TestSpark.session().read().parquet(dir.resolve("stream-step").toString())
                        .where("series_id = '" + ticker + "'").collectAsList().stream()
                        .flatMapToDouble(r -> Arrays.stream(Rows.values(r, "states"))).map(Math::abs).max()
                        .orElseThrow();
                assertEquals(largest, Double.parseDouble(chart.getDomAttribute("data-value-bound")), largest * 1e-5,
                        what + ": the colour scale spans the states of the real steps");
                assertAxisFits(chart, "data-x-axis", 0, STREAM_DAYS - 1, what + ": steps");
                assertAxisFits(chart, "data-y-axis", 0, 63, what + ": units");
                assertTrue(distinctColours(chart) >= 16, what + ": the heatmap has many shades");
            }
            assertTrue(rows.size() > 0);
        }
    }

    @Test
    void thePageIsSelfContained() throws IOException {
        for (String run : List.of("forecast", "extract")) {
            String html = Files.readString(dir.resolve(run).resolve(HtmlReport.FILE_NAME));
            assertFalse(html.contains("<script"), run + ": no script");
            assertFalse(html.matches("(?s).*(src|href)=\"(?!data:).*"), run + ": only data: URIs");
            assertFalse(html.contains("http://") || html.contains("https://"), run + ": no network address");
        }
    }

    private static void open(String run) {
        browser.driver().get(dir.resolve(run).resolve(HtmlReport.FILE_NAME).toUri().toString());
        assertEquals("lstm-spark run report: succeeded", browser.driver().getTitle());
    }

    private static JsonNode json(String run) throws IOException {
        return RunReport.mapper().readTree(dir.resolve(run).resolve(RunReport.FILE_NAME).toFile());
    }

    /** Decoded by the browser: complete, with the size it was drawn at. */
    private static void assertRendered(WebElement image) {
        Object[] state = ((List<?>) browser.driver().executeScript(
                "const i = arguments[0]; return [i.complete, i.naturalWidth, i.naturalHeight];", image)).toArray();
        assertEquals(Boolean.TRUE, state[0], "image loaded");
        assertEquals(Long.parseLong(image.getDomAttribute("width")), ((Number) state[1]).longValue(), "natural width");
        assertEquals(Long.parseLong(image.getDomAttribute("height")), ((Number) state[2]).longValue(),
                "natural height");
    }

    /** The axis shows [min, max] and not much more: JFreeChart adds margins of a few percent. */
    private static void assertAxisFits(WebElement chart, String attribute, double min, double max, String what) {
        double[] axis = Arrays.stream(chart.getDomAttribute(attribute).split(",")).mapToDouble(Double::parseDouble)
                .toArray();
        double span = max - min;
        String message = what + ": " + attribute + " " + Arrays.toString(axis) + " for data in [" + min + ", " + max
                + "]";
        assertTrue(axis[0] <= min + span * 1e-6 && axis[1] >= max - span * 1e-6, message);
        assertTrue(axis[1] - axis[0] <= span * 1.25 + 1.01, message);
    }

    /** Pixels of the image, as the browser decoded it, within 8 of {@code colour} in each channel. */
    private static long pixels(WebElement image, java.awt.Color colour) {
        return ((Number) browser.driver().executeScript(canvas() + "const t = arguments[1]; let n = 0;"
                + "for (let p = 0; p < d.length; p += 4) { if (Math.abs(d[p] - t[0]) <= 8"
                + " && Math.abs(d[p + 1] - t[1]) <= 8 && Math.abs(d[p + 2] - t[2]) <= 8) n++; } return n;", image,
                List.of(colour.getRed(), colour.getGreen(), colour.getBlue()))).longValue();
    }

    private static long distinctColours(WebElement image) {
        return ((Number) browser.driver().executeScript(canvas() + "const seen = new Set();"
                + "for (let p = 0; p < d.length; p += 4) seen.add((d[p] << 16) | (d[p + 1] << 8) | d[p + 2]);"
                + "return seen.size;", image)).longValue();
    }

    private static String canvas() {
        return "const i = arguments[0]; const c = document.createElement('canvas'); c.width = i.naturalWidth;"
                + "c.height = i.naturalHeight; const g = c.getContext('2d'); g.drawImage(i, 0, 0);"
                + "const d = g.getImageData(0, 0, c.width, c.height).data;";
    }

    /** The row's cells (points, MAE, RMSE, sMAPE) equal the JSON's values to the 6 digits shown. */
    private static void assertCells(WebElement row, JsonNode errors) {
        List<WebElement> cells = row.findElements(By.tagName("td"));
        assertEquals(errors.get("points").asText(), cells.get(1).getText());
        String[] keys = {"mae", "rmse", "smape_percent"};
        for (int k = 0; k < keys.length; k++) {
            double expected = errors.get(keys[k]).asDouble();
            assertEquals(expected, Double.parseDouble(cells.get(2 + k).getText()), Math.abs(expected) * 1e-5 + 1e-12,
                    keys[k]);
        }
    }
}
