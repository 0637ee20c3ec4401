package io.lstmspark.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Input datasets written for a test: series "s0", "s1", ... with timestamps one minute apart. */
public final class TestData {

    public static final StructType SCHEMA = new StructType()
            .add("id", DataTypes.StringType)
            .add("ts", DataTypes.TimestampType)
            .add("x0", DataTypes.DoubleType)
            .add("x1", DataTypes.DoubleType);

    private TestData() {
    }

    public static Timestamp minute(int m) {
        return Timestamp.from(Instant.parse("2026-03-01T00:00:00Z").plusSeconds(60L * m));
    }

    /** Series i has lengths[i] steps; step t of series i has x0 = sin(0.3 t + i), x1 = cos(0.2 t) - i / 10. */
    public static List<Row> rows(int... lengths) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < lengths.length; i++) {
            for (int t = 0; t < lengths[i]; t++) {
                rows.add(RowFactory.create("s" + i, minute(t), Math.sin(0.3 * t + i), Math.cos(0.2 * t) - i / 10.0));
            }
        }
        return rows;
    }

    public static String writeParquet(Path dir, List<Row> rows, StructType schema) {
        String path = dir.resolve("input").toString();
        TestSpark.session().createDataFrame(rows, schema).write().parquet(path);
        return path;
    }

    /** Copies the directory {@code from} (its files and folders) to {@code to}, which must not exist; returns it. */
    public static Path copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.toList()) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        }
        return to;
    }
}
