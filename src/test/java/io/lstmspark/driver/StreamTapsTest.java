package io.lstmspark.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.lstmspark.report.RunReport;
import io.lstmspark.testing.CheckpointTensors;
import io.lstmspark.testing.Jobs;
import io.lstmspark.testing.LstmOracle;
import io.lstmspark.testing.Rows;
import io.lstmspark.testing.SharedModels;
import io.lstmspark.testing.TestSpark;
import io.lstmspark.testing.Tolerance;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stream mode on a real stacked Keras LSTM (brent: lstm_7 feeds lstm_8, chunks of 3 steps) through
 * state taps: each tapped layer carries its own state, and layer 2's state at every step equals one
 * uninterrupted oracle run of both layers over the whole series.
 */
class StreamTapsTest {

    private static final Path MODEL = SharedModels.savedModel("brent_stacked_lstm");
    private static final int[] LENGTHS = {2, 3, 10, 17};

    @TempDir
    Path dir;

    private static double price(int series, int t) {
        return 70 + 10 * Math.sin(0.4 * t + series) + series;
    }

    @Test
    void stackedTappedLayersCarryTheirOwnStatesAcrossChunks() {
        StructType schema = new StructType().add("id", DataTypes.IntegerType).add("day", DataTypes.TimestampType)
                .add("price", DataTypes.DoubleType);
        List<Row> rows = new ArrayList<>();
        for (int s = 0; s < LENGTHS.length; s++) {
            for (int t = 0; t < LENGTHS[s]; t++) {
                rows.add(RowFactory.create(s,
                        Timestamp.from(Instant.parse("2024-01-01T00:00:00Z").plusSeconds(86_400L * t)),
                        price(s, t)));
            }
        }
        String input = dir.resolve("prices").toString();
        TestSpark.session().createDataFrame(rows, schema).write().parquet(input);

        RunReport report = Jobs.run(null, "input.path=" + input, "input.series-id=id", "input.timestamp=day",
                "input.features=price", "mode=stream", "stream.layout=step", "model.path=" + MODEL,
                "outputs={first = \"lstm:lstm_7.sequence\", second = \"lstm:lstm_8.sequence\", "
                        + "second_c = \"lstm:1.cell_sequence\"}",
                "batch.size=2", "output.path=" + dir.resolve("out"));
        assertEquals(32, report.counts().inputRows());

        LstmOracle.Layer lstm7 = CheckpointTensors.read(MODEL, "variables/0").lstm(
                CheckpointTensors.read(MODEL, "variables/1"), CheckpointTensors.read(MODEL, "variables/2"),
                LstmOracle.TANH);
        LstmOracle.Layer lstm8 = CheckpointTensors.read(MODEL, "variables/3").lstm(
                CheckpointTensors.read(MODEL, "variables/4"), CheckpointTensors.read(MODEL, "variables/5"),
                LstmOracle.TANH);
        List<Row> written = TestSpark.session().read().parquet(dir.resolve("out").toString()).collectAsList();
        assertEquals(32, written.size());
        for (Row row : written) {
            int series = (Integer) row.getAs("series_id");
            int step = Math.toIntExact((Long) row.getAs("step"));
            double[][] x = new double[LENGTHS[series]][];
            for (int t = 0; t < x.length; t++) {
                x[t] = new double[] {price(series, t)};
            }
            LstmOracle.States first = LstmOracle.run(lstm7, x);
            LstmOracle.States second = LstmOracle.run(lstm8, first.h());
            String where = "series " + series + " step " + step;
            Tolerance.assertAllClose(first.h()[step], Rows.floats(row, "first"), 1e-4, where + " lstm_7 h");
            Tolerance.assertAllClose(second.h()[step], Rows.floats(row, "second"), 1e-4, where + " lstm_8 h");
            Tolerance.assertAllClose(second.c()[step], Rows.floats(row, "second_c"), 1e-4, where + " lstm_8 c");
        }
    }
}
