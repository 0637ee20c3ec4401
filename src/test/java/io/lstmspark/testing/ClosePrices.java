package io.lstmspark.testing;

import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Daily closes in dollars of eight tickers (the msft_close_lstm model's units), written in an order that is
 * not the ids' order: ticker i, day t: 200 + 10 i + 15 sin(0.25 t + i) + 3 cos(1.3 t).
 */
public final class ClosePrices {

    public static final List<String> TICKERS = List.of("TSLA", "MSFT", "AAPL", "NVDA", "IBM", "GOOG", "META", "AMZN");
    public static final int DAYS = 40;
    public static final StructType SCHEMA = new StructType()
            .add("ticker", DataTypes.StringType)
            .add("day", DataTypes.TimestampType)
            .add("close", DataTypes.DoubleType);

    private ClosePrices() {
    }

    public static Timestamp day(int t) {
        return Timestamp.from(Instant.parse("2026-01-01T00:00:00Z").plusSeconds(86_400L * t));
    }

    public static double close(int ticker, int t) {
        return 200 + 10 * ticker + 15 * Math.sin(0.25 * t + ticker) + 3 * Math.cos(1.3 * t);
    }

    public static List<Row> rows() {
        return rows(DAYS);
    }

    /** The first {@code days} days of every ticker. */
    public static List<Row> rows(int days) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < TICKERS.size(); i++) {
            for (int t = 0; t < days; t++) {
                rows.add(RowFactory.create(TICKERS.get(i), day(t), close(i, t)));
            }
        }
        return rows;
    }

    /** Writes the closes as Parquet under {@code dir/input}; returns the path. */
    public static String write(Path dir) {
        return TestData.writeParquet(dir, rows(), SCHEMA);
    }

    /** The job's settings for the closes and the msft_close_lstm model, plus {@code more}. */
    public static String[] job(String input, String output, String... more) {
        List<String> args = new ArrayList<>(List.of("input.path=" + input, "input.series-id=ticker",
                "input.timestamp=day", "input.features=close", "model.path=" + model(), "output.path=" + output));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    public static Path model() {
        return SharedModels.savedModel("msft_close_lstm");
    }
}
