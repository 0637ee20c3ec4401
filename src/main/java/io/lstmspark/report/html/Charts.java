package io.lstmspark.report.html;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Paint;
import java.awt.geom.Ellipse2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.LookupPaintScale;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.PaintScaleLegend;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.DefaultXYZDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The report's charts, drawn by JFreeChart into PNG images: an image is what every browser shows from a
 * file with no script and no network.
 */
final class Charts {

    /** Colours the test finds in the rendered images: history, forecast, actual. */
    static final Color HISTORY = new Color(0x1f, 0x77, 0xb4);
    static final Color FORECAST = new Color(0xd6, 0x27, 0x28);
    static final Color ACTUAL = new Color(0x2c, 0xa0, 0x2c);

    static final int WIDTH = 560;
    static final int HEIGHT = 260;

    /** A drawn chart: the PNG as a data URI and the ranges its axes show. */
    record Image(String dataUri, int width, int height, double xLower, double xUpper, double yLower, double yUpper) {
    }

    static {
        // A driver without a display: AWT draws into images only.
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private Charts() {
    }

    /** The last steps before a window's end (x <= 0) and the forecast (and actuals) after it (x >= 1). */
    static Image forecast(ChartSamples.ForecastSample sample) {
        XYSeriesCollection data = new XYSeriesCollection();
        XYSeries history = new XYSeries("history (" + sample.feature() + ")");
        for (int i = 0; i < sample.history().length; i++) {
            history.add(i - sample.history().length + 1, sample.history()[i]);
        }
        XYSeries forecast = new XYSeries("forecast (" + sample.column() + ")");
        for (int k = 0; k < sample.forecast().length; k++) {
            forecast.add(k + 1, sample.forecast()[k]);
        }
        XYSeries actual = new XYSeries("actual (" + sample.feature() + ")");
        for (int k = 0; k < sample.actuals().length; k++) {
            actual.add(k + 1, sample.actuals()[k]);
        }
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        int index = 0;
        for (XYSeries series : new XYSeries[] {history, forecast, actual}) {
            if (series.getItemCount() == 0) {
                continue;
            }
            data.addSeries(series);
            Color colour = series == history ? HISTORY : series == forecast ? FORECAST : ACTUAL;
            renderer.setSeriesPaint(index, colour);
            renderer.setSeriesStroke(index, new BasicStroke(2f));
            renderer.setSeriesShape(index, series == history ? new Ellipse2D.Double(-2, -2, 4, 4)
                    : new Ellipse2D.Double(-5, -5, 10, 10));
            renderer.setSeriesShapesVisible(index, series != history);
            index++;
        }
        NumberAxis x = new NumberAxis("steps from the window's end (" + sample.windowEnd() + ")");
        NumberAxis y = new NumberAxis(sample.feature() != null ? sample.feature() : sample.column());
        y.setAutoRangeIncludesZero(false);
        XYPlot plot = new XYPlot(data, x, y, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        return draw(new JFreeChart(sample.seriesId(), JFreeChart.DEFAULT_TITLE_FONT, plot, true), plot.getDomainAxis(),
                plot.getRangeAxis(), WIDTH, HEIGHT);
    }

    /** A heatmap: time across, units up, the state's value as colour (blue negative, white 0, red positive). */
    static Image heatmap(ChartSamples.StateSample sample) {
        double[][] values = sample.values();
        int units = values.length == 0 ? 0 : values[0].length;
        double[][] xyz = new double[3][values.length * units];
        int i = 0;
        for (int t = 0; t < values.length; t++) {
            for (int u = 0; u < units; u++) {
                xyz[0][i] = sample.firstTime() + t;
                xyz[1][i] = u;
                xyz[2][i] = values[t][u];
                i++;
            }
        }
        DefaultXYZDataset data = new DefaultXYZDataset();
        data.addSeries(sample.column(), xyz);
        double largest = largestMagnitude(sample);
        double bound = largest > 0 ? largest : 1;
        LookupPaintScale scale = divergingScale(bound);
        XYBlockRenderer renderer = new XYBlockRenderer();
        renderer.setPaintScale(scale);
        NumberAxis x = new NumberAxis(sample.timeAxis());
        x.setAutoRangeIncludesZero(false);
        x.setLowerMargin(0);
        x.setUpperMargin(0);
        NumberAxis y = new NumberAxis("unit of " + sample.column());
        y.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        y.setLowerMargin(0);
        y.setUpperMargin(0);
        XYPlot plot = new XYPlot(data, x, y, renderer);
        plot.setBackgroundPaint(Color.LIGHT_GRAY);
        JFreeChart chart = new JFreeChart(sample.seriesId(), JFreeChart.DEFAULT_TITLE_FONT, plot, false);
        NumberAxis legendAxis = new NumberAxis(sample.column());
        legendAxis.setRange(-bound, bound);
        PaintScaleLegend legend = new PaintScaleLegend(scale, legendAxis);
        legend.setPosition(RectangleEdge.RIGHT);
        legend.setMargin(4, 4, 4, 4);
        chart.addSubtitle(legend);
        return draw(chart, x, y, WIDTH + 160, HEIGHT + 40);
    }

    /** The colour scale's bound: the largest finite |value| of the sample. */
    static double largestMagnitude(ChartSamples.StateSample sample) {
        double largest = 0;
        for (double[] time : sample.values()) {
            for (double value : time) {
                if (Double.isFinite(value)) {
                    largest = Math.max(largest, Math.abs(value));
                }
            }
        }
        return largest;
    }

    /** Windows per second of each task, as bars. */
    static Image throughput(DefaultCategoryDataset rates) {
        BarRenderer renderer = new BarRenderer();
        renderer.setSeriesPaint(0, HISTORY);
        renderer.setShadowVisible(false);
        renderer.setBarPainter(new StandardBarPainter());
        NumberAxis y = new NumberAxis("windows/s");
        CategoryPlot plot = new CategoryPlot(rates, new CategoryAxis("task (partition)"), y, renderer);
        plot.setOrientation(PlotOrientation.VERTICAL);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        JFreeChart chart = new JFreeChart("Throughput per task", JFreeChart.DEFAULT_TITLE_FONT, plot, false);
        return draw(chart, null, y, WIDTH, HEIGHT);
    }

    private static LookupPaintScale divergingScale(double bound) {
        int steps = 32;
        LookupPaintScale scale = new LookupPaintScale(-bound, bound, Color.GRAY);
        for (int s = 0; s < steps; s++) {
            double value = -bound + 2 * bound * s / steps;
            double t = (value + bound / steps) / bound;
            scale.add(value, blend(t));
        }
        return scale;
    }

    /** -1: blue, 0: white, 1: red. */
    private static Paint blend(double t) {
        double amount = Math.min(1, Math.abs(t));
        int fade = (int) Math.round(255 * (1 - amount));
        return t < 0 ? new Color(fade, fade, 255) : new Color(255, fade, fade);
    }

    private static Image draw(JFreeChart chart, ValueAxis x, ValueAxis y, int width, int height) {
        chart.setBackgroundPaint(Color.WHITE);
        BufferedImage image = chart.createBufferedImage(width, height);
        try {
            String png = Base64.getEncoder().encodeToString(ChartUtils.encodeAsPNG(image));
            return new Image("data:image/png;base64," + png, width, height,
                    x == null ? Double.NaN : x.getLowerBound(), x == null ? Double.NaN : x.getUpperBound(),
                    y.getLowerBound(), y.getUpperBound());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode a chart as PNG", e);
        }
    }
}
