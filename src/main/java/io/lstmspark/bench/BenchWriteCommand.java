package io.lstmspark.bench;

import io.lstmspark.output.OutputFiles;
import io.lstmspark.output.PosixLocalFileSystem;
import io.lstmspark.output.parquet.BulkArraysParquetFormat;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench-write}: the job's Parquet write of model outputs on its own, Spark's writer against
 * {@link BulkArraysParquetFormat}, taking turns on the same cached rows. The process's CPU time is the
 * measure: on a shared VM it moves less than wall time. Prints one JSON line.
 */
@Command(name = "bench-write", description = "Measures the Parquet write of model outputs: Spark's writer "
        + "against lstm-spark's bulk float arrays, taking turns. Prints one JSON line.")
public final class BenchWriteCommand implements Callable<Integer> {

    @Option(names = "--master", defaultValue = "local[*]")
    String master;

    @Option(names = "--windows", defaultValue = "500000", description = "Rows written (default: ${DEFAULT-VALUE}).")
    int windows;

    @Option(names = "--state-size", defaultValue = "64",
            description = "Floats of the hidden-state column (default: ${DEFAULT-VALUE}).")
    int stateSize;

    @Option(names = "--steps", defaultValue = "0",
            description = "With N > 0, an output-sequence column of N steps of the state size too (default: none).")
    int steps;

    @Option(names = "--rounds", defaultValue = "3", description = "Turns of each writer (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--dir", defaultValue = "target/bench/write", description = "Where the files go, removed after each write.")
    String dir;

    @Override
    public Integer call() throws Exception {
        SparkSession spark = PosixLocalFileSystem.use(SparkSession.builder()).master(master)
                .appName("lstm-spark bench-write").config("spark.ui.enabled", "false").getOrCreate();
        try {
            Dataset<Row> rows = outputs(spark).cache();
            rows.count();
            Map<String, List<Double>> cpuSeconds = new LinkedHashMap<>();
            Map<String, List<Double>> wallSeconds = new LinkedHashMap<>();
            Map<String, Map<String, String>> writers = Map.of(
                    "spark", Map.of(BulkArraysParquetFormat.BULK_ARRAYS, "false"), "bulk", Map.of());
            for (int round = 0; round < rounds + 1; round++) {
                for (String writer : List.of("spark", "bulk")) {
                    Path path = new Path(dir, writer);
                    path.getFileSystem(spark.sparkContext().hadoopConfiguration()).delete(path, true);
                    long cpu = processCpuNanos();
                    long wall = System.nanoTime();
                    new OutputFiles(spark, "parquet", writers.get(writer), List.of(), path).write(rows, path);
                    // The first round warms both writers up (class loading, JIT) and is not counted.
                    if (round > 0) {
                        cpuSeconds.computeIfAbsent(writer, w -> new ArrayList<>())
                                .add((processCpuNanos() - cpu) / 1e9);
                        wallSeconds.computeIfAbsent(writer, w -> new ArrayList<>())
                                .add((System.nanoTime() - wall) / 1e9);
                    }
                    path.getFileSystem(spark.sparkContext().hadoopConfiguration()).delete(path, true);
                }
            }
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("windows", windows);
            result.put("floats_per_window", 1 + stateSize + (long) steps * stateSize);
            result.put("cpu_seconds", cpuSeconds);
            result.put("wall_seconds", wallSeconds);
            result.put("cpu_ratio_spark_to_bulk", min(cpuSeconds.get("spark")) / min(cpuSeconds.get("bulk")));
            ChildJvm.printResult(result);
        } finally {
            spark.stop();
        }
        return 0;
    }

    /** Rows shaped as the job's: keys, a forecast, the hidden state, and the output sequence when asked. */
    private Dataset<Row> outputs(SparkSession spark) {
        String state = "transform(sequence(1, " + stateSize + "), i -> cast(randn() as float))";
        List<String> columns = new ArrayList<>(List.of(
                "concat('s', cast(id % 1000 as string)) as series_id",
                "timestamp_seconds(1700000000 + id * 3600) as window_start",
                "timestamp_seconds(1700000000 + id * 3600 + 3600) as window_end",
                "array(cast(randn() as float)) as forecast",
                state + " as hidden_state"));
        if (steps > 0) {
            columns.add("transform(sequence(1, " + steps + "), t -> " + state + ") as output_sequence");
        }
        return spark.range(windows).selectExpr(columns.toArray(String[]::new));
    }

    private static double min(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }
}
