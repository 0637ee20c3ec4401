package io.lstmspark.report.html;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lstmspark.report.Counts;
import io.lstmspark.report.RunReport;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The page on its own: what the input controls is escaped, and a chart that cannot be drawn does not stop it. */
class HtmlReportTest {

    private static final String HOSTILE = "<img src=x onerror=alert(1)>\"'&";

    private static RunReport report() {
        Counts counts = new Counts();
        counts.countRowRejected("null_series_id");
        return new RunReport("succeeded", "2026-12-01T00:00:00Z", "2026-12-01T00:01:00Z", Map.of("mode", "forecast"),
                null, counts, new RunReport.ModelLoads(0, 1), Map.of(), Map.of("input_check", 1500L), null, List.of());
    }

    @Test
    void seriesIdsAndColumnNamesFromTheInputAreEscaped() {
        ChartSamples samples = new ChartSamples(List.of(new ChartSamples.ForecastSample(HOSTILE, "y</td>", "x",
                "2026-01-30", new double[] {1, 2, 3}, new double[] {4}, new double[0])), List.of(), HOSTILE);
        String html = HtmlReport.render(report(), samples, List.of());
        assertFalse(html.contains("<img src=x"), "markup from a series id");
        assertFalse(html.contains("y</td>"));
        assertTrue(html.contains("data-series=\"&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;\""));
        assertTrue(html.contains("<tr data-key=\"rows_rejected.null_series_id\"><td>rows_rejected.null_series_id</td>"
                + "<td class=\"n\">1</td></tr>"));
        assertTrue(html.contains("<tr data-key=\"input_check\"><td>input_check</td><td class=\"n\">1.500</td></tr>"));
    }

    @Test
    void aChartThatCannotBeDrawnIsReplacedByALineSayingWhy() {
        ChartSamples samples = new ChartSamples(List.of(), List.of(new ChartSamples.StateSample("s0", "h", "step", 0,
                new double[][] {{1, 2}, null})), "sampled");
        String html = HtmlReport.render(report(), samples, List.of());
        assertEquals(1, html.split("chart-missing", -1).length - 1, html);
        assertTrue(html.contains("h of series s0: 2 times, x = step: chart not drawn (java.lang.NullPointerException"));
        assertTrue(html.endsWith("</body></html>\n"));
    }
}
