package io.lstmspark.report.html;

import com.fasterxml.jackson.databind.JsonNode;
import io.lstmspark.report.Backtest;
import io.lstmspark.report.RunReport;
import io.lstmspark.report.TaskStats;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.jfree.data.category.DefaultCategoryDataset;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The run report as one self-contained HTML page ({@value #FILE_NAME}, beside the JSON): counts and where
 * rows went, stage timings, per-task throughput, backtest errors and charts of a sample of series. Styles
 * and images are inline, there are no scripts: it opens from the file system with no network.
 */
public final class HtmlReport {

    public static final String FILE_NAME = "_run_report.html";

    private static final Logger LOG = LoggerFactory.getLogger(HtmlReport.class);
    private static final String STYLE = "body{font-family:sans-serif;margin:2em;color:#222}"
            + "table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:.2em .6em}"
            + "th{background:#f3f3f3;text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}"
            + "figure{display:inline-block;margin:.5em}figcaption{font-size:.85em;color:#555}"
            + ".note{color:#555}";

    private final StringBuilder page = new StringBuilder();

    private HtmlReport() {
    }

    /** The page of {@code report}; a chart that cannot be drawn is replaced by a line saying why. */
    public static String render(RunReport report, ChartSamples samples, List<TaskStats> tasks) {
        HtmlReport html = new HtmlReport();
        html.head(report);
        html.counts(report);
        html.stages(report.stageMillis());
        html.tasks(tasks);
        if (report.backtest() != null) {
            html.backtest(report.backtest());
        }
        html.charts(samples);
        html.page.append("</body></html>\n");
        return html.page.toString();
    }

    private void head(RunReport report) {
        page.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>lstm-spark run report: ")
                .append(esc(report.status())).append("</title><style>").append(STYLE).append("</style></head><body>")
                .append("<h1>lstm-spark run report</h1><table id=\"run\">");
        row("status", report.status());
        row("mode", String.valueOf(report.config().get("mode")));
        row("started", report.startedAt());
        row("finished", report.finishedAt());
        row("lstm-spark", report.version());
        if (report.model() != null) {
            row("model", report.model().path() + " (" + report.model().format() + ", "
                    + report.model().fingerprint() + ")");
        }
        page.append("</table>");
    }

    /** Every count of the JSON report, a map's entries as one row each, keyed as in the JSON. */
    private void counts(RunReport report) {
        page.append("<h2>Counts: where rows went</h2><table id=\"counts\"><tr><th>count</th><th>value</th></tr>");
        JsonNode counts = RunReport.mapper().valueToTree(report.counts());
        counts.fields().forEachRemaining(field -> {
            if (field.getValue().isObject()) {
                field.getValue().fields().forEachRemaining(entry ->
                        countRow(field.getKey() + "." + entry.getKey(), entry.getValue().asText()));
            } else {
                countRow(field.getKey(), field.getValue().asText());
            }
        });
        page.append("</table><p class=\"note\">Every input row is placed in a series, rejected (rows_rejected, by "
                + "reason) or after the cutoff; windows cut = written + quarantined (by reason); rejected rows, rows "
                + "with bad values and quarantined windows are records under _quarantine.</p>");
    }

    private void countRow(String key, String value) {
        page.append("<tr data-key=\"").append(esc(key)).append("\">");
        cells(key, value);
    }

    private void stages(Map<String, Long> stageMillis) {
        page.append("<h2>Stage timings</h2><table id=\"stages\"><tr><th>stage</th><th>seconds</th></tr>");
        stageMillis.forEach((stage, millis) -> {
            page.append("<tr data-key=\"").append(esc(stage)).append("\">");
            cells(stage, seconds(millis * 1_000_000));
        });
        page.append("</table>");
    }

    private void tasks(List<TaskStats> tasks) {
        page.append("<h2>Tasks: throughput</h2><table id=\"tasks\"><tr><th>partition</th><th>executor</th><th>host</th>"
                + "<th>windows</th><th>batches</th><th>model s</th><th>task s</th><th>windows/s</th></tr>");
        DefaultCategoryDataset rates = new DefaultCategoryDataset();
        tasks.stream().sorted(Comparator.comparingInt(TaskStats::partition)).forEach(task -> {
            long windows = task.counts().windowsWritten();
            double rate = task.taskNanos() > 0 ? windows / (task.taskNanos() / 1e9) : 0;
            rates.addValue(rate, "windows/s", String.valueOf(task.partition()));
            page.append("<tr>");
            cells(String.valueOf(task.partition()), task.executorId(), task.host(), String.valueOf(windows),
                    String.valueOf(task.counts().batches()), seconds(task.modelNanos()), seconds(task.taskNanos()),
                    String.format(Locale.ROOT, "%.0f", rate));
        });
        page.append("</table>");
        if (!tasks.isEmpty()) {
            chart("throughput", "windows per second of each task", () -> Charts.throughput(rates), () -> "");
        }
    }

    private void backtest(Backtest backtest) {
        page.append("<h2>Backtest: forecasts against actuals</h2><p class=\"note\">Value k of a forecast against the "
                + "actual at the k-th step after its window's end. MAE = mean |f - a|, "
                + "RMSE = sqrt(mean (f - a)&sup2;), sMAPE = mean 200 |f - a| / (|f| + |a|) %.</p>");
        for (Backtest.ColumnErrors column : backtest.columns()) {
            Backtest.Errors all = column.overall();
            page.append("<h3>").append(esc(column.column())).append(" vs ").append(esc(column.actual())).append("</h3>")
                    .append("<table class=\"backtest\" data-column=\"").append(esc(column.column())).append("\">")
                    .append("<tr><th>series</th><th>points</th><th>MAE</th><th>RMSE</th><th>sMAPE %</th></tr>");
            errorRow("overall (" + all.series() + " series)", all.points(), all.mae(), all.rmse(), all.smapePercent());
            for (Backtest.SeriesErrors series : column.series()) {
                errorRow(series.seriesId(), series.points(), series.mae(), series.rmse(), series.smapePercent());
            }
            page.append("</table>");
            if (column.seriesTruncated()) {
                page.append("<p class=\"note\">The first ").append(column.series().size())
                        .append(" series in order are listed; the overall row covers all.</p>");
            }
        }
    }

    private void errorRow(String series, long points, Double mae, Double rmse, Double smape) {
        page.append("<tr data-series=\"").append(esc(series)).append("\">");
        cells(series, String.valueOf(points), number(mae), number(rmse), number(smape));
    }

    private void charts(ChartSamples samples) {
        page.append("<h2>Sampled series</h2><p class=\"note\">").append(esc(samples.note())).append("</p>");
        for (ChartSamples.ForecastSample sample : samples.forecasts()) {
            chart("forecast", sample.column() + " of series " + sample.seriesId()
                            + (sample.feature() == null ? "" : ", after the last steps of " + sample.feature()),
                    () -> Charts.forecast(sample), () -> " data-series=\"" + esc(sample.seriesId())
                            + "\" data-column=\"" + esc(sample.column()) + "\"");
        }
        for (ChartSamples.StateSample sample : samples.states()) {
            chart("heatmap", sample.column() + " of series " + sample.seriesId() + ": " + sample.values().length
                            + " times, x = " + sample.timeAxis(),
                    () -> Charts.heatmap(sample), () -> " data-series=\"" + esc(sample.seriesId()) + "\" data-column=\""
                            + esc(sample.column()) + "\" data-value-bound=\"" + number(Charts.largestMagnitude(sample))
                            + "\"");
        }
    }

    private interface Drawing {
        Charts.Image draw();
    }

    /** An image with the ranges its axes show as attributes; a line saying why when it cannot be drawn. */
    private void chart(String kind, String caption, Drawing drawing, Supplier<String> attributes) {
        Charts.Image image;
        String dataAttributes;
        try {
            image = drawing.draw();
            dataAttributes = attributes.get();
        } catch (RuntimeException | LinkageError e) {
            // A driver JVM without fonts or AWT still gets its report; only the picture is missing.
            LOG.warn("Run report: cannot draw the {} chart ({}): {}", kind, caption, e.toString());
            page.append("<p class=\"note chart-missing\">").append(esc(caption)).append(": chart not drawn (")
                    .append(esc(e.toString())).append(")</p>");
            return;
        }
        page.append("<figure><img class=\"chart ").append(kind).append("\" src=\"").append(image.dataUri())
                .append("\" width=\"").append(image.width()).append("\" height=\"").append(image.height())
                .append("\" alt=\"").append(esc(caption)).append("\"").append(dataAttributes)
                .append(" data-x-axis=\"").append(number(image.xLower())).append(',').append(number(image.xUpper()))
                .append("\" data-y-axis=\"").append(number(image.yLower())).append(',').append(number(image.yUpper()))
                .append("\"><figcaption>").append(esc(caption)).append("</figcaption></figure>");
    }

    /** The cells of a row and its end: the first a name, the others numbers (right-aligned). */
    private void cells(String name, String... numbers) {
        page.append("<td>").append(esc(name)).append("</td>");
        for (String number : numbers) {
            page.append("<td class=\"n\">").append(esc(number)).append("</td>");
        }
        page.append("</tr>");
    }

    private void row(String name, String value) {
        page.append("<tr><th>").append(esc(name)).append("</th><td>").append(esc(value)).append("</td></tr>");
    }

    private static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.3f", nanos / 1e9);
    }

    private static String number(Double value) {
        return value == null ? "" : String.format(Locale.ROOT, "%.6g", value);
    }

    static String esc(String text) {
        if (text == null) {
            return "";
        }
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
                .replace("'", "&#39;");
    }
}
