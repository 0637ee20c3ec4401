package io.lstmspark.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lstmspark.report.RunReport;
import io.lstmspark.sample.LstmWeights;
import io.lstmspark.sample.SampleModel;
import io.lstmspark.testing.Jobs;
import io.lstmspark.testing.LstmOracle;
import io.lstmspark.testing.Rows;
import io.lstmspark.testing.SampleWeights;
import io.lstmspark.testing.SharedModels;
import io.lstmspark.testing.TestData;
import io.lstmspark.testing.TestSpark;
import io.lstmspark.testing.Tolerance;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scaling on real models: the msft close model fed windows scaled by scikit-learn-style scalers, its
 * forecast scaled back, against TensorFlow's own outputs (fixtures/scaling, make_scaling_fixtures.py);
 * per-series fits and stream mode against parameters and states the test computes from the input.
 */
class ScalingJobTest {

    private static final Path FIXTURES = Path.of("src/test/resources/fixtures/scaling");
    private static final String MSFT = SharedModels.savedModel("msft_close_lstm").toString();
    private static final StructType CLOSES = new StructType().add("ticker", DataTypes.StringType)
            .add("ts", DataTypes.TimestampType).add("close", DataTypes.DoubleType);

    @TempDir
    static Path dir;

    private static JsonNode expected;
    private static String closes;

    @BeforeAll
    static void writeCloses() throws IOException {
        expected = new ObjectMapper().readTree(FIXTURES.resolve("expected.json").toFile());
        List<Row> rows = new ArrayList<>();
        expected.get("series").fields().forEachRemaining(series -> {
            for (int t = 0; t < series.getValue().size(); t++) {
                rows.add(RowFactory.create(series.getKey(), hour(t), series.getValue().get(t).asDouble()));
            }
        });
        closes = dir.resolve("closes").toString();
        TestSpark.session().createDataFrame(rows, CLOSES).write().parquet(closes);
    }

    static Timestamp hour(int h) {
        return Timestamp.from(Instant.parse("2026-03-02T00:00:00Z").plusSeconds(3600L * h));
    }

    private static List<String> msftJob(String output, String... more) {
        List<String> args = new ArrayList<>(List.of("input.path=" + closes, "input.series-id=ticker",
                "input.timestamp=ts", "input.features=close", "mode=forecast", "model.path=" + MSFT,
                "outputs={close_forecast = dense_17, model_units = dense_17}", "scaling.inverse.close_forecast=close",
                "output.path=" + dir.resolve(output)));
        args.addAll(List.of(more));
        return args;
    }

    /** Both columns against TensorFlow's output for the scaled window, and its inverse, to 1e-4 x max(1, |y|). */
    private static void assertForecasts(String output, String testCase) {
        Map<String, Row> rows = Rows.bySeries(dir.resolve(output).toString(), "series_id");
        JsonNode cases = expected.get("cases").get(testCase);
        assertEquals(cases.size(), rows.size());
        cases.fields().forEachRemaining(series -> {
            Row row = rows.get(series.getKey());
            double modelUnits = series.getValue().get("model_units").asDouble();
            double inverse = series.getValue().get("inverse").asDouble();
            Tolerance.assertClose(modelUnits, Rows.floats(row, "model_units")[0],
                    1e-4 * Math.max(1, Math.abs(modelUnits)),
                    testCase + " " + series.getKey() + " in model units");
            Tolerance.assertClose(inverse, Rows.floats(row, "close_forecast")[0], 1e-4 * Math.max(1, Math.abs(inverse)),
                    testCase + " " + series.getKey() + " scaled back");
        });
    }

    @Test
    void aMinMaxScalerFileScalesTheWindowsAndTheForecastIsScaledBack() {
        RunReport report = Jobs.run(null, msftJob("minmax", "scaling.file=" + FIXTURES.resolve("minmax_scaler.json"))
                .toArray(String[]::new));
        assertForecasts("minmax", "minmax_file");
        @SuppressWarnings("unchecked")
        Map<String, Object> parameters = (Map<String, Object>) report.scaling().get("parameters");
        assertEquals(Map.of("close", Map.of("data_min", 26.370932761059688, "data_max", 264.44966886506495)),
                parameters);
        assertEquals(Map.of("close_forecast", "close"), report.scaling().get("inverse"));
    }

    @Test
    void aStandardScalerFileScalesTheWindowsAndTheForecastIsScaledBack() {
        Jobs.run(null, msftJob("standard", "scaling.file=" + FIXTURES.resolve("standard_scaler.json"))
                .toArray(String[]::new));
        assertForecasts("standard", "standard_file");
    }

    @Test
    void perSeriesFitWritesEachSeriesOwnMinAndMaxAndUsesThem() {
        RunReport report = Jobs.run(null, msftJob("per-series", "scaling.type=minmax", "scaling.fit=per-series")
                .toArray(String[]::new));
        assertForecasts("per-series", "minmax_per_series");
        Map<String, Row> rows = Rows.bySeries(dir.resolve("per-series").toString(), "series_id");
        expected.get("series").fields().forEachRemaining(series -> {
            double[] values = new double[series.getValue().size()];
            for (int t = 0; t < values.length; t++) {
                values[t] = series.getValue().get(t).asDouble();
            }
            Row row = rows.get(series.getKey());
            assertEquals(List.of(Arrays.stream(values).min().orElseThrow()),
                    row.getList(row.fieldIndex("scaler_data_min")));
            assertEquals(List.of(Arrays.stream(values).max().orElseThrow()),
                    row.getList(row.fieldIndex("scaler_data_max")));
        });
        assertEquals("per-series", report.scaling().get("source"));
        assertEquals(List.of("scaler_data_min", "scaler_data_max"), report.scaling().get("output_columns"));
    }

    @Test
    void perSeriesFitTakesOnlyTheStepsUpToTheCutoff() {
        // Series B's steps 0..7 up to the cutoff: its fit ignores the four later ones.
        Jobs.run(null, msftJob("fit-cutoff", "scaling.type=minmax", "scaling.fit=per-series",
                "forecast.cutoff=2026-03-02 07:00:00").toArray(String[]::new));
        Row b = Rows.bySeries(dir.resolve("fit-cutoff").toString(), "series_id").get("B");
        double min = Double.MAX_VALUE;
        for (int t = 0; t <= 7; t++) {
            min = Math.min(min, expected.get("series").get("B").get(t).asDouble());
        }
        assertEquals(List.of(min), b.getList(b.fieldIndex("scaler_data_min")));
        assertEquals(hour(7), b.getAs("window_end"));
    }

    /** Extract mode: every window of scaled steps, the forecast scaled back into x1's units, against the oracle. */
    @Test
    void extractModeFeedsScaledWindowsAndScalesTheForecastBack() {
        int length = 4;
        String input = TestData.writeParquet(dir.resolve("extract-in"), TestData.rows(7, 9), TestData.SCHEMA);
        Path model = io.lstmspark.testing.TestModels.savedModel(dir.resolve("extract-model"), 2, 3, length, 23);
        SampleWeights weights = SampleWeights.read(dir.resolve("extract-model").resolve("weights"));
        double[] min = {-1, -2};
        double[] max = {1, 1.5};
        Jobs.run(null, "input.path=" + input, "input.series-id=id", "input.timestamp=ts", "input.features=x0,x1",
                "model.path=" + model, "outputs.forecast=forecast", "scaling.type=minmax", "scaling.min=[-1, -2]",
                "scaling.max=[1, 1.5]", "scaling.feature-range=[-1, 1]", "scaling.inverse.forecast=x1",
                "output.path=" + dir.resolve("extract-out"));
        List<Row> rows = TestSpark.session().read().parquet(dir.resolve("extract-out").toString()).collectAsList();
        assertEquals(4 + 6, rows.size(), "every window of both series");
        for (Row row : rows) {
            int s = Integer.parseInt(((String) row.getAs("series_id")).substring(1));
            Timestamp start = row.getAs("window_start");
            int first = (int) ((start.getTime() - TestData.minute(0).getTime()) / 60_000);
            double[][] scaled = new double[length][2];
            for (int t = 0; t < length; t++) {
                int step = first + t;
                double[] x = {Math.sin(0.3 * step + s), Math.cos(0.2 * step) - s / 10.0};
                for (int f = 0; f < 2; f++) {
                    scaled[t][f] = (x[f] - min[f]) / (max[f] - min[f]) * 2 - 1;
                }
            }
            LstmOracle.States states = LstmOracle.run(weights.lstm(), scaled);
            double y = LstmOracle.dense(states.lastH(), weights.denseKernel(), weights.denseBias())[0];
            double back = (y + 1) / 2 * (max[1] - min[1]) + min[1];
            Tolerance.assertClose(back, Rows.floats(row, "forecast")[0], 1e-5, "s" + s + " @ " + start);
        }
    }

    @Test
    void aDuplicateRowIsReportedWithTheInputsValuesNotScaledOnes() {
        List<Row> rows = new ArrayList<>(TestData.rows(6));
        rows.add(RowFactory.create("s0", TestData.minute(3), 5.0, 6.0));
        String input = TestData.writeParquet(dir.resolve("dup-in"), rows, TestData.SCHEMA);
        Path model = io.lstmspark.testing.TestModels.savedModel(dir.resolve("dup-model"), 2, 3, 4, 3);
        Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> Jobs.run(null,
                "input.path=" + input, "input.series-id=id", "input.timestamp=ts", "input.features=x0,x1",
                "model.path=" + model, "outputs.forecast=forecast", "scaling.type=standard", "scaling.mean=[10, 20]",
                "scaling.std=[2, 4]", "output.path=" + dir.resolve("dup-out")));
        String message = io.lstmspark.LstmSparkException.find(e).orElseThrow().getMessage();
        // Of the two rows the one with the smaller values is kept: the generated one, sin(0.9) and cos(0.6).
        assertTrue(message.contains("kept x0=0.78332690") && message.contains("dropped x0=5.0, x1=6.0"), message);
    }

    /** Stream mode carries state over chunks of scaled steps: the oracle runs once over the whole scaled series. */
    @Test
    void streamModeFeedsScaledStepsAndScalesOutputsBack() {
        int units = 4;
        int[] lengths = {9, 14};
        String input = TestData.writeParquet(dir.resolve("stream-in"), TestData.rows(lengths), TestData.SCHEMA);
        Path model = dir.resolve("stream-model");
        SampleModel.exportStatefulSavedModel(LstmWeights.random(2, units, 5), 4, model);
        LstmWeights.random(2, units, 5).writeNpy(dir.resolve("stream-weights"));
        SampleWeights weights = SampleWeights.read(dir.resolve("stream-weights"));
        Jobs.run(null, "input.path=" + input, "input.series-id=id", "input.timestamp=ts", "input.features=x0,x1",
                "mode=stream", "stream.layout=step", "model.path=" + model,
                "model.state-inputs=[initial_h, initial_c]", "model.state-outputs=[hidden_state, cell_state]",
                "outputs={h = output_sequence}", "scaling.type=standard", "scaling.fit=per-series",
                "output.path=" + dir.resolve("stream-out"));
        List<Row> rows = TestSpark.session().read().parquet(dir.resolve("stream-out").toString()).collectAsList();
        assertEquals(9 + 14, rows.size());
        for (int s = 0; s < lengths.length; s++) {
            double[][] x = new double[lengths[s]][];
            for (int t = 0; t < x.length; t++) {
                x[t] = new double[] {Math.sin(0.3 * t + s), Math.cos(0.2 * t) - s / 10.0};
            }
            double[][] fit = meanAndPopulationStd(x);
            double[][] scaled = new double[x.length][2];
            for (int t = 0; t < x.length; t++) {
                for (int f = 0; f < 2; f++) {
                    scaled[t][f] = (x[t][f] - fit[0][f]) / fit[1][f];
                }
            }
            LstmOracle.States states = LstmOracle.run(weights.lstm(), scaled);
            for (Row row : rows) {
                if (row.getAs("series_id").equals("s" + s)) {
                    int step = Math.toIntExact((Long) row.getAs("step"));
                    Tolerance.assertAllClose(states.h()[step], Rows.floats(row, "h"), 1e-5, "s" + s + " step " + step);
                    Tolerance.assertAllClose(fit[0], Rows.values(row, "scaler_mean"), 1e-12, "s" + s + " mean");
                    Tolerance.assertAllClose(fit[1], Rows.values(row, "scaler_scale"), 1e-12, "s" + s + " std");
                }
            }
        }
    }

    private static double[][] meanAndPopulationStd(double[][] x) {
        double[][] fit = new double[2][x[0].length];
        for (int f = 0; f < x[0].length; f++) {
            double sum = 0;
            for (double[] step : x) {
                sum += step[f];
            }
            double mean = sum / x.length;
            double squares = 0;
            for (double[] step : x) {
                squares += (step[f] - mean) * (step[f] - mean);
            }
            fit[0][f] = mean;
            fit[1][f] = Math.sqrt(squares / x.length);
        }
        return fit;
    }
}
