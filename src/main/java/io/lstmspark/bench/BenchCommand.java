package io.lstmspark.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.lstmspark.model.LoadedModel;
import io.lstmspark.model.ModelSource;
import io.lstmspark.model.SessionThreads;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench}: measures, on this machine and in one run, TensorFlow alone against the whole job,
 * and prints one table (optionally appended to a Markdown file).
 *
 * <ul>
 *   <li>(a) the model's session run on pre-built input tensors, in the best configuration found (intra-op
 *       threads, concurrent callers, batch size), against the machine's bound (GEMM peak / FLOPs per window);
 *   <li>(b) the job, input Parquet to output Parquet, forecast and hidden state;
 *   <li>(c) the same job writing the per-step output sequence too;
 *   <li>(d) one session run per window (batch 1), one stream per core;
 *   <li>(e) peak heap and resident memory of (b), and of (b) on 10x the windows;
 *   <li>(f) resident memory over thousands of batches of the per-batch path, in a JVM of its own;
 *   <li>(g) per-step states of every step: stream mode against (c), on the same input and on 10x;
 *   <li>(h) the same model from a Keras file, built by lstm-spark, against its SavedModel export;
 *   <li>(i) forecast mode on a short and a 100 times longer history of the same series (the sample model).
 * </ul>
 * Jobs run in fresh JVMs, each after a warm-up job, so that their memory figures are their own.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks TensorFlow alone against the whole job (T=48, F=8, H=64 by default).")
public final class BenchCommand implements Callable<Integer> {

    static final int LENGTH = 48;
    static final int FEATURES = 8;
    static final int BATCH = 256;

    @Option(names = "--windows", defaultValue = "100000", description = "Windows per job (default: ${DEFAULT-VALUE}).")
    long windows;

    @Option(names = "--model", required = true,
            description = "A Keras LSTM SavedModel taking [?, 48, 8] (submit/bench.sh passes the repository's "
                    + "LSTM(64) and Dense(1) exported by Keras 3).")
    Path model;

    @Option(names = "--forecast-output", defaultValue = "output_0",
            description = "The model's signature output written as the forecast (default: ${DEFAULT-VALUE}).")
    String forecastOutput;

    @Option(names = "--keras-file", defaultValue = "",
            description = "The same model as a Keras .keras or .h5 file, for row (h): TensorFlow alone and the job "
                    + "on the graph lstm-spark builds from it (submit/bench.sh passes the repository's "
                    + "forecaster.keras, --model's weights; unset: no row (h)).")
    String kerasFile;

    @Option(names = "--threads", defaultValue = "0", description = "Task slots (local[N]); 0: all cores.")
    int threads;

    @Option(names = "--work-dir", defaultValue = "target/bench",
            description = "Data and outputs (default: ${DEFAULT-VALUE}).")
    Path workDir;

    @Option(names = "--skip-scale", description = "Skip the 10x run of (e).")
    boolean skipScale;

    @Option(names = "--record", description = "Append the table, with date and command, to this Markdown file.")
    Optional<Path> record;

    @Option(names = "--heap", defaultValue = "2g",
            description = "Heap of each job's JVM, fixed (-Xms = -Xmx) and pre-touched so that memory figures compare "
                    + "(default: ${DEFAULT-VALUE}).")
    String heap;

    @Option(names = "--soak-batches", defaultValue = "5000",
            description = "Batches through Arrow, TensorFlow and rows while resident memory is sampled "
                    + "(default: ${DEFAULT-VALUE}; 0 skips).")
    int soakBatches;

    @Option(names = "--history-series", defaultValue = "500",
            description = "Row (i): series of the forecast-history pair (default: ${DEFAULT-VALUE}; 0 skips).")
    int historySeries;

    @Option(names = "--history-steps", defaultValue = "240",
            description = "Row (i): hourly steps per series of the short history; the long one has 100 times as many "
                    + "(default: ${DEFAULT-VALUE}).")
    int historySteps;

    @Option(names = "--only-history", description = "Run row (i) alone.")
    boolean onlyHistory;

    @Override
    public Integer call() throws Exception {
        int slots = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        Files.createDirectories(workDir);
        if (onlyHistory) {
            System.out.println("| measure | result | target |\n|---|---|---|\n" + historyRow(slots));
            return 0;
        }
        if (!Files.isDirectory(model)) {
            throw new IllegalArgumentException("--model " + model + " is not a directory: run from the repository's "
                    + "root or name a Keras LSTM SavedModel taking [?, " + LENGTH + ", " + FEATURES + "]");
        }
        Path input;
        Path scaledInput = null;
        SparkSession spark = SparkSession.builder().master("local[" + slots + "]").appName("lstm-spark bench data")
                .config("spark.ui.enabled", "false").getOrCreate();
        try {
            input = BenchData.write(spark, workDir, windows, LENGTH, FEATURES);
            if (!skipScale) {
                scaledInput = BenchData.write(spark, workDir, windows * 10, LENGTH, FEATURES);
            }
        } finally {
            spark.stop();
        }

        // The model's own forecast, and the hidden state of its LSTM layer through a state tap.
        Map<String, String> outputs = SessionRates.forecastAndHiddenState(forecastOutput);
        SessionRates.TensorFlowRates tensorFlow;
        try (LoadedModel loaded = LoadedModel.load(new ModelSource(model.toString(), List.of("serve")),
                new SessionThreads(1, -1))) {
            tensorFlow = SessionRates.measure(loaded, model, outputs, forecastOutput, slots, windows);
        }
        // (a) is the best configuration found, measured against the machine's limit in the same run; the jobs
        // run in it.
        ChildJvm jobs = new ChildJvm(heap, workDir);
        MachineBound bound = MachineBound.measure(jobs, model, forecastOutput, slots, windows);
        MachineBound.Configuration tuned = bound.best();
        tensorFlow = new SessionRates.TensorFlowRates(tuned.windowsPerSecond(), tensorFlow.batchOne(),
                tensorFlow.forecastByModel(), tensorFlow.forecastOnly());
        JsonNode soak = soakBatches <= 0 ? null : jobs.run(List.of("bench-soak", "--model=" + model,
                "--forecast-output=" + forecastOutput, "--batches=" + soakBatches), "soak");

        JsonNode jobB = jobs.job(tuned, slots, input, model, outputs, "b");
        Map<String, String> withSequence = new LinkedHashMap<>(outputs);
        withSequence.put("output_sequence", "lstm:0.sequence");
        JsonNode jobC = jobs.job(tuned, slots, input, model, withSequence, "c");
        // 10x the windows in 10x the partitions: each task's share, and Spark's sort buffer for it, stay
        // the size they are in (b), as a user would set input.partitions for a dataset ten times larger.
        JsonNode scaled = skipScale ? null : jobs.job(tuned, slots, scaledInput, model, outputs, "e",
                "input.partitions=" + slots * 10);
        JsonNode stream = jobs.job(tuned, slots, input, model, Map.of("h", "lstm:0.sequence"), "g",
                "mode=stream", "stream.layout=chunk");
        // A short job is mostly Spark's fixed costs; on 10x the steps, both modes again.
        JsonNode scaledExtract = skipScale ? null : jobs.job(tuned, slots, scaledInput, model, withSequence, "c10");
        JsonNode scaledStream = skipScale ? null : jobs.job(tuned, slots, scaledInput, model,
                Map.of("h", "lstm:0.sequence"), "g10", "mode=stream", "stream.layout=chunk");

        String table = BenchTable.table(model, windows, slots, tuned, tensorFlow, jobB, jobC, scaled, soak,
                stream, scaledExtract, scaledStream) + bound.rows();
        if (!kerasFile.isEmpty()) {
            Path file = Path.of(kerasFile);
            SessionRates.KerasFileRates rates = SessionRates.kerasFileAgainstExport(file, model, outputs, slots,
                    windows);
            JsonNode exportJob = jobs.job(tuned, slots, input, model, outputs, "h-export");
            JsonNode kerasJob = jobs.job(tuned, slots, input, file, outputs, "h");
            table += BenchTable.kerasFileRow(file, rates, kerasJob, exportJob);
        }
        if (historySeries > 0) {
            table += historyRow(slots);
        }
        System.out.println(table);
        if (record.isPresent()) {
            String entry = "\n### " + LocalDate.now() + ": `./submit/bench.sh --windows " + windows
                    + (threads > 0 ? " --threads " + threads : "") + (skipScale ? " --skip-scale" : "") + "`\n\n"
                    + "Machine: " + Runtime.getRuntime().availableProcessors() + " cores, Java "
                    + System.getProperty("java.version") + ".\n\n" + table + "\n";
            Files.writeString(record.get(), entry, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        }
        return 0;
    }

    private String historyRow(int slots) throws Exception {
        Path small;
        Path large;
        SparkSession spark = SparkSession.builder().master("local[" + slots + "]").appName("lstm-spark bench data")
                .config("spark.ui.enabled", "false").getOrCreate();
        try {
            small = ForecastHistoryBench.write(spark, workDir, historySeries, historySteps);
            large = ForecastHistoryBench.write(spark, workDir, historySeries, historySteps * 100);
        } finally {
            spark.stop();
        }
        ChildJvm jobs = new ChildJvm(heap, workDir);
        JsonNode smallJob = ForecastHistoryBench.job(jobs, slots, small, workDir, "i-short");
        JsonNode largeJob = ForecastHistoryBench.job(jobs, slots, large, workDir, "i-long");
        return ForecastHistoryBench.row(historySeries, historySteps, smallJob, largeJob);
    }
}
