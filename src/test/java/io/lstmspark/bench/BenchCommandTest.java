package io.lstmspark.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lstmspark.cli.Main;
import io.lstmspark.testing.TestModels;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The benchmark runs end to end on tiny sizes and prints (and records) its table. Its figures are not tested. */
class BenchCommandTest {

    @TempDir
    Path dir;

    @Test
    void tinyBenchmarkPrintsEveryMeasureAndRecordsTheTable() throws Exception {
        Path record = dir.resolve("BENCHMARKS.md");
        PrintStream stdout = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        int exitCode;
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            exitCode = Main.commandLine().execute("bench", "--model", TestModels.benchModel().toString(),
                    "--keras-file", TestModels.BENCH_KERAS_FILE.toString(), "--windows", "2000",
                    "--skip-scale", "--soak-batches", "20", "--heap", "1g",
                    "--work-dir", dir.resolve("work").toString(), "--record", record.toString());
        } finally {
            System.setOut(stdout);
        }
        assertEquals(0, exitCode);
        String table = printed.toString(StandardCharsets.UTF_8);
        for (String measure : new String[] {"(a) TensorFlow alone", "(b) job", "(c) job with the per-step output",
                "(d) TensorFlow alone, batch 1", "(e) job (b): heap retained", "(f) 20 batches", "(g) per-step states",
                "(h) the same model from forecaster.keras",
                "(a) against the machine's limit", "(a) configurations tried", "b/a split",
                "CPU of the measured run's JVM by thread"}) {
            assertTrue(table.contains(measure), measure + " in:\n" + table);
        }
        // b/a = s x r/a, s the share of the tasks' time in TensorFlow calls: at most all of it.
        Matcher split = Pattern.compile("\\(b\\): ([0-9.]+) x ([0-9.]+) = ([0-9.]+)").matcher(table);
        Matcher bOverA = Pattern.compile("\\(b\\) job, Parquet to Parquet, forecast \\+ hidden state \\| [0-9,]+ "
                + "windows/s, b/a = ([0-9.]+)").matcher(table);
        assertTrue(split.find() && bOverA.find(), table);
        double share = Double.parseDouble(split.group(1));
        assertTrue(share > 0 && share <= 1, "share of the tasks' time in TensorFlow calls: " + share);
        assertEquals(Double.parseDouble(bOverA.group(1)), Double.parseDouble(split.group(3)), 0.011, table);
        assertEquals(share * Double.parseDouble(split.group(2)), Double.parseDouble(split.group(3)), 0.02, table);
        Matcher cpu = Pattern.compile("\\(b\\): tasks ([0-9.]+), compilers ([0-9.]+), gc ([0-9.]+), other ([0-9.]+), "
                + "idle ([0-9.]+)").matcher(table);
        assertTrue(cpu.find(), table);
        assertTrue(Double.parseDouble(cpu.group(1)) > 0, "the task threads' CPU: " + cpu.group());
        for (int kind = 1; kind <= 5; kind++) {
            assertTrue(Double.parseDouble(cpu.group(kind)) <= 1, cpu.group());
        }
        String recorded = Files.readString(record);
        assertTrue(recorded.contains("./submit/bench.sh --windows 2000 --skip-scale") && recorded.contains("(b) job"),
                recorded);
        try (Stream<Path> kept = Files.list(dir.resolve("work"))) {
            List<String> names = kept.map(p -> p.getFileName().toString()).toList();
            assertTrue(names.stream().anyMatch(n -> n.startsWith("input-")), "the inputs are kept for the next run: "
                    + names);
            assertTrue(names.stream().noneMatch(n -> n.startsWith("output-")), "the jobs' outputs are removed: "
                    + names);
        }
    }
}
