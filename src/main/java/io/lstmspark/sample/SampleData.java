package io.lstmspark.sample;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Hourly readings of building sensors: temperature, humidity, power load and vibration, each a daily
 * cycle plus trend and noise, with a weekly cycle on load and rare vibration spikes. A few sensors
 * were installed late and have fewer readings than a window.
 */
public final class SampleData {

    public static final String SERIES_ID = "sensor_id";
    public static final String TIMESTAMP = "ts";
    public static final List<String> FEATURES = List.of("temperature", "humidity", "load", "vibration");
    public static final StructType SCHEMA = new StructType()
            .add(SERIES_ID, DataTypes.StringType, false)
            .add(TIMESTAMP, DataTypes.TimestampType, false)
            .add("temperature", DataTypes.FloatType, false)
            .add("humidity", DataTypes.FloatType, false)
            .add("load", DataTypes.FloatType, false)
            .add("vibration", DataTypes.FloatType, false);

    private static final Instant START = Instant.parse("2026-01-05T00:00:00Z");

    private SampleData() {
    }

    /**
     * @param series      number of sensors
     * @param steps       hourly readings of a full-length sensor
     * @param shortSeries how many of the sensors (the last ones) have only {@code steps / 20} readings
     */
    public static List<Row> rows(int series, int steps, int shortSeries, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Row> rows = new ArrayList<>();
        for (int s = 0; s < series; s++) {
            String id = String.format("sensor-%03d", s + 1);
            int length = s >= series - shortSeries ? Math.max(1, steps / 20) : steps;
            double baseTemperature = 18 + 6 * random.nextDouble();
            double trend = random.nextDouble(-0.01, 0.01);
            double baseLoad = 20 + 40 * random.nextDouble();
            double phase = random.nextDouble(0, 2 * Math.PI);
            for (int t = 0; t < length; t++) {
                double day = 2 * Math.PI * (t % 24) / 24.0 + phase;
                double week = 2 * Math.PI * (t % 168) / 168.0;
                double temperature = baseTemperature + 3 * Math.sin(day) + trend * t + random.nextGaussian() * 0.4;
                double humidity = 55 - 8 * Math.sin(day) + random.nextGaussian() * 2;
                double load = baseLoad * (1 + 0.3 * Math.sin(day - 1) + 0.15 * Math.sin(week)) + random.nextGaussian();
                double vibration = Math.abs(random.nextGaussian()) * 0.2 + (random.nextDouble() < 0.01 ? 3 : 0);
                rows.add(RowFactory.create(id, Timestamp.from(START.plus(Duration.ofHours(t))),
                        round(temperature), round(humidity), round(load), round(vibration)));
            }
        }
        return rows;
    }

    private static float round(double value) {
        return (float) (Math.round(value * 100) / 100.0);
    }
}
