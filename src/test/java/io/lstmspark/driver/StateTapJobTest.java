package io.lstmspark.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lstmspark.report.RunReport;
import io.lstmspark.testing.CheckpointTensors;
import io.lstmspark.testing.GatesKernel;
import io.lstmspark.testing.Jobs;
import io.lstmspark.testing.LstmOracle;
import io.lstmspark.testing.Rows;
import io.lstmspark.testing.SeriesTable;
import io.lstmspark.testing.SharedModels;
import io.lstmspark.testing.TestData;
import io.lstmspark.testing.TestSpark;
import io.lstmspark.testing.Tolerance;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hidden and cell states of both layers of a real stacked Keras LSTM (brent_stacked_lstm, whose
 * signature exposes only its Dense forecast), tapped through the whole job: Spark, Arrow batches,
 * executor sessions, Parquet read back, every window checked against the plain-Java oracle.
 */
class StateTapJobTest {

    private static final Path MODEL = SharedModels.savedModel("brent_stacked_lstm");
    private static final int LENGTH = 3;
    private static final int UNITS = 64;

    @TempDir
    static Path dir;

    private static RunReport report;
    private static Dataset<Row> written;
    private static SeriesTable input;

    @BeforeAll
    static void runJobWithStateTaps() {
        String inputPath = TestData.writeParquet(dir, TestData.rows(12, 7, 2), TestData.SCHEMA);
        String output = dir.resolve("out").toString();
        report = Jobs.run(null, "input.path=" + inputPath, "input.series-id=id", "input.timestamp=ts",
                "input.features=x0", "model.path=" + MODEL, "batch.size=8",
                "outputs={forecast = dense_23, h8 = \"lstm:lstm_8.h\", c8 = \"lstm:1.c\", "
                        + "seq7 = \"lstm:lstm_7.sequence\", cells7 = \"lstm:0.cell_sequence\"}",
                "output.path=" + output);
        written = TestSpark.session().read().parquet(output);
        input = SeriesTable.collect(TestSpark.session().read().parquet(inputPath), "id", "ts", List.of("x0"));
    }

    @Test
    void tappedStatesOfBothLayersEqualTheOracleInEveryWindow() {
        LstmOracle.Layer first = layer(0);
        LstmOracle.Layer second = layer(3);
        List<Row> rows = written.collectAsList();
        assertEquals(10 + 5, rows.size(), "windows of 3 steps: 10 of s0, 5 of s1, none of s2");
        for (Row row : rows) {
            Object series = row.getAs("series_id");
            int start = input.indexOf(series, row.getAs("window_start"));
            LstmOracle.States a = LstmOracle.run(first, input.window(series, start, LENGTH));
            LstmOracle.States b = LstmOracle.run(second, a.h());
            String where = series + " @ " + row.getAs("window_start");
            Tolerance.assertAllClose(b.lastH(), Rows.floats(row, "h8"), 1e-4, where + " h8");
            Tolerance.assertAllClose(b.lastC(), Rows.floats(row, "c8"), 1e-4, where + " c8");
            float[][] sequence = Rows.floatMatrix(row, "seq7");
            float[][] cells = Rows.floatMatrix(row, "cells7");
            for (int t = 0; t < LENGTH; t++) {
                Tolerance.assertAllClose(a.h()[t], sequence[t], 1e-4, where + " seq7[" + t + "]");
                Tolerance.assertAllClose(a.c()[t], cells[t], 1e-4, where + " cells7[" + t + "]");
            }
        }
    }

    @Test
    void stateColumnsAreFloatArraysOfTheLayersUnits() {
        ArrayType vector = ArrayType.apply(DataTypes.FloatType, true);
        assertEquals(vector, written.schema().apply("h8").dataType());
        assertEquals(ArrayType.apply(vector, true), written.schema().apply("seq7").dataType());
        Row row = written.first();
        assertEquals(UNITS, Rows.floats(row, "c8").length);
        assertEquals(LENGTH, Rows.floatMatrix(row, "cells7").length);
    }

    @Test
    void runReportStatesTheLayersAndThePassedSelfCheck() throws java.io.IOException {
        com.fasterxml.jackson.databind.JsonNode written = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(dir.resolve("out").resolve(RunReport.FILE_NAME).toFile());
        assertEquals("passed", written.path("state_taps").path("self_check").asText(), written.toString());
        RunReport.StateTapInfo taps = report.stateTaps();
        assertEquals("passed", taps.selfCheck(), taps.selfCheckDetail());
        assertTrue(taps.maxDifference() <= 1e-4);
        assertEquals(List.of("lstm_7", "lstm_8"), taps.layers().stream().map(RunReport.TapLayerInfo::name).toList());
        assertEquals("tanh", taps.layers().get(1).activation());
        assertTrue(taps.layers().get(0).sources().get("weights").contains("lstm_7/lstm_cell/kernel"));
        assertTrue(report.model().outputs().stream().anyMatch(o -> o.ref().equals("lstm:lstm_8.h")
                && o.tensor().startsWith("lstm_spark_tap_")));
    }

    @Test
    void everyExecutorReportsWhetherItsStepsRanInLstmSparksKernel() {
        assertFalse(report.executors().isEmpty());
        report.executors().forEach((id, executor) ->
                assertEquals(GatesKernel.expected(), executor.lstmGatesKernel(), "executor " + id));
    }

    private static LstmOracle.Layer layer(int firstKey) {
        return CheckpointTensors.read(MODEL, "variables/" + firstKey).lstm(
                CheckpointTensors.read(MODEL, "variables/" + (firstKey + 1)),
                CheckpointTensors.read(MODEL, "variables/" + (firstKey + 2)), LstmOracle.TANH);
    }
}
