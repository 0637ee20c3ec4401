package io.lstmspark.tools;

import com.fasterxml.jackson.databind.JsonNode;
import io.lstmspark.model.LoadedModel;
import io.lstmspark.model.ModelCall;
import io.lstmspark.model.ModelCallResolver;
import io.lstmspark.model.ModelRequest;
import io.lstmspark.model.ModelSource;
import io.lstmspark.model.SessionThreads;
import io.lstmspark.model.TensorRef;
import io.lstmspark.model.keras.StateTapPlanner;
import io.lstmspark.model.kerasfile.KerasFileStates;
import io.lstmspark.output.RunReport;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.spark.sql.SparkSession;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench}: measures, on this machine and in one run, TensorFlow alone against the whole job,
 * and prints one table (optionally appended to a Markdown file).
 *
 * <ul>
 *   <li>(a) the model's session run on pre-built input tensors, batch 256, one stream per core;
 *   <li>(b) the job, input Parquet to output Parquet, forecast and hidden state;
 *   <li>(c) the same job writing the per-step output sequence too;
 *   <li>(d) one session run per window (batch 1), one stream per core;
 *   <li>(e) peak heap and resident memory of (b), and of (b) on 10x the windows;
 *   <li>(f) resident memory over thousands of batches of the per-batch path, in a JVM of its own;
 *   <li>(g) per-step states of every step: stream mode against (c), on the same input and on 10x.
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

    @Option(names = "--model", defaultValue = "src/test/resources/models/forecaster_keras3/saved_model",
            description = "A Keras LSTM SavedModel taking [?, 48, 8] (default: ${DEFAULT-VALUE}, LSTM(64) and Dense(1)"
                    + " exported by Keras 3).")
    Path model;

    @Option(names = "--forecast-output", defaultValue = "output_0",
            description = "The model's signature output written as the forecast (default: ${DEFAULT-VALUE}).")
    String forecastOutput;

    @Option(names = "--keras-file", defaultValue = "src/test/resources/keras-files-fixtures/forecaster.keras",
            description = "The same model as a Keras .keras or .h5 file, for row (h): TensorFlow alone and the job "
                    + "on the graph lstm-spark builds from it (default: ${DEFAULT-VALUE}, --model's weights; "
                    + "an empty value skips the row).")
    String kerasFile;

    @Option(names = "--threads", defaultValue = "0", description = "Task slots (local[N]); 0: all cores.")
    int threads;

    @Option(names = "--work-dir", defaultValue = "target/bench", description = "Data and outputs (default: ${DEFAULT-VALUE}).")
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

    @Override
    public Integer call() throws Exception {
        int slots = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        Files.createDirectories(workDir);
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
        Map<String, String> outputs = forecastAndHiddenState(forecastOutput);
        TensorFlowRates tensorFlow;
        try (LoadedModel loaded = LoadedModel.load(new ModelSource(model.toString(), List.of("serve")),
                new SessionThreads(1, -1))) {
            ModelCall call = call(loaded, model, outputs, true);
            tensorFlow = new TensorFlowRates(sessionRuns(loaded, call, slots, BATCH, windows),
                    sessionRuns(loaded, call, slots, 1, Math.min(windows, 5000)),
                    sessionRuns(loaded, call(loaded, model, outputs, false), slots, BATCH, windows),
                    sessionRuns(loaded, ModelCallResolver.resolve(loaded, request(model, Map.of("forecast",
                            forecastOutput)), LENGTH, FEATURES), slots, BATCH, windows));
        }
        JsonNode soak = soakBatches <= 0 ? null : childJvm(List.of("bench-soak", "--model=" + model,
                "--forecast-output=" + forecastOutput, "--batches=" + soakBatches), "soak");

        JsonNode jobB = job(slots, input, model, outputs, "b");
        Map<String, String> withSequence = new LinkedHashMap<>(outputs);
        withSequence.put("output_sequence", "lstm:0.sequence");
        JsonNode jobC = job(slots, input, model, withSequence, "c");
        // 10x the windows in 10x the partitions: each task's share, and Spark's sort buffer for it, stay
        // the size they are in (b), as a user would set input.partitions for a dataset ten times larger.
        JsonNode scaled = skipScale ? null : job(slots, scaledInput, model, outputs, "e",
                "input.partitions=" + slots * 10);
        JsonNode stream = job(slots, input, model, Map.of("h", "lstm:0.sequence"), "g",
                "mode=stream", "stream.layout=chunk");
        // A 2-second job is mostly Spark's fixed costs; on 10x the steps, both modes again.
        JsonNode scaledExtract = skipScale ? null : job(slots, scaledInput, model, withSequence, "c10");
        JsonNode scaledStream = skipScale ? null : job(slots, scaledInput, model,
                Map.of("h", "lstm:0.sequence"), "g10", "mode=stream", "stream.layout=chunk");

        String table = table(slots, tensorFlow, jobB, jobC, scaled, soak, stream,
                scaledExtract, scaledStream);
        if (!kerasFile.isEmpty()) {
            table += kerasFileRow(slots, input, outputs);
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

    /**
     * Row (h): the model as a Keras file, built by lstm-spark, against the SavedModel export of the same model:
     * TensorFlow alone on the same call (forecast and hidden state), the two sessions taking turns so that
     * both see the same load on the machine (best of three turns each), then the same job on each, one right
     * after the other.
     */
    private String kerasFileRow(int slots, Path input, Map<String, String> outputs) throws Exception {
        Path file = Path.of(kerasFile);
        double keras = 0;
        double savedModel = 0;
        try (LoadedModel loaded = LoadedModel.load(new ModelSource(file.toString(), List.of("serve")),
                new SessionThreads(1, -1));
             LoadedModel export = LoadedModel.load(new ModelSource(model.toString(), List.of("serve")),
                     new SessionThreads(1, -1))) {
            ModelRequest request = request(file, outputs);
            request = request.withExtension(KerasFileStates.of(loaded, request).orElseThrow(() ->
                    new IllegalArgumentException("--keras-file " + file + " is not a Keras .keras or .h5 file")));
            ModelCall kerasCall = ModelCallResolver.resolve(loaded, request, LENGTH, FEATURES);
            ModelCall exportCall = call(export, model, outputs, true);
            for (int turn = 0; turn < 3; turn++) {
                savedModel = Math.max(savedModel, sessionRuns(export, exportCall, slots, BATCH, windows / 3));
                keras = Math.max(keras, sessionRuns(loaded, kerasCall, slots, BATCH, windows / 3));
            }
        }
        JsonNode exportJob = job(slots, input, model, outputs, "h-export");
        JsonNode kerasJob = job(slots, input, file, outputs, "h");
        double kerasJobRate = kerasJob.get("windows").asDouble() / kerasJob.get("seconds").asDouble();
        double exportJobRate = exportJob.get("windows").asDouble() / exportJob.get("seconds").asDouble();
        StringBuilder t = new StringBuilder();
        row(t, "(h) the same model from " + file.getFileName() + ", built by lstm-spark, against its model.export: "
                + "TensorFlow alone (as (a), taking turns), the job (as (b), one after the other)",
                rate(keras) + " vs " + rate(savedModel) + " (x" + ratio(keras / savedModel) + "); job "
                + rate(kerasJobRate) + " vs " + rate(exportJobRate) + " (x" + ratio(kerasJobRate / exportJobRate) + ")",
                "both >= x1.0 " + verdict(keras >= savedModel && kerasJobRate >= exportJobRate));
        return t.toString();
    }

    /**
     * Windows per second of TensorFlow alone, batch 256 unless said: the job's call (a), the same at
     * batch 1 (d), the same with the model's own graph computing the forecast too, and the model's own
     * forecast alone.
     */
    private record TensorFlowRates(double call, double batchOne, double forecastByModel, double forecastOnly) {
    }

    /**
     * The benchmark's model call: the forecast and, through a state tap, the LSTM's hidden state; the
     * forecast from the taps (as the job computes it by default) or from the model's own graph.
     */
    static ModelCall call(LoadedModel loaded, Path model, Map<String, String> outputs, boolean forecastFromTaps) {
        ModelRequest request = request(model, outputs);
        request = request.withExtension(StateTapPlanner.plan(loaded, request, LENGTH, FEATURES, forecastFromTaps)
                .orElseThrow().taps());
        return ModelCallResolver.resolve(loaded, request, LENGTH, FEATURES);
    }

    static Map<String, String> forecastAndHiddenState(String forecastOutput) {
        Map<String, String> outputs = new LinkedHashMap<>();
        outputs.put("forecast", forecastOutput);
        outputs.put("hidden_state", "lstm:0.h");
        return outputs;
    }

    private static ModelRequest request(Path model, Map<String, String> outputs) {
        Map<String, TensorRef> refs = new LinkedHashMap<>();
        outputs.forEach((column, ref) -> refs.put(column, TensorRef.parse(ref)));
        return new ModelRequest(new ModelSource(model.toString(), List.of("serve")), "serving_default",
                Optional.empty(), refs);
    }

    /** Windows per second of {@code streams} threads running the call on one shared session. */
    private static double sessionRuns(LoadedModel model, ModelCall call, int streams, int batch, long total)
            throws Exception {
        long runsPerStream = Math.max(1, total / batch / streams);
        Callable<Long> stream = () -> {
            try (Tensor input = TFloat32.tensorOf(Shape.of(batch, LENGTH, FEATURES))) {
                for (long r = 0; r < runsPerStream; r++) {
                    Session.Runner runner = model.session().runner().feed(call.inputTensor(), input);
                    call.outputs().forEach(o -> runner.fetch(o.tensorName()));
                    try (Result result = runner.run()) {
                        result.size();
                    }
                }
                return runsPerStream * batch;
            }
        };
        stream.call();
        ExecutorService pool = Executors.newFixedThreadPool(streams);
        try {
            long started = System.nanoTime();
            List<Future<Long>> done = new ArrayList<>();
            for (int s = 0; s < streams; s++) {
                done.add(pool.submit(stream));
            }
            long windows = 0;
            for (Future<Long> f : done) {
                windows += f.get();
            }
            return windows / ((System.nanoTime() - started) / 1e9);
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Runs one job in a fresh JVM and reads its result line. input.partitions keeps the job's default,
     * as a user's run would.
     */
    private JsonNode job(int slots, Path input, Path model, Map<String, String> outputs, String name,
                         String... settings) throws IOException, InterruptedException {
        List<String> arguments = new ArrayList<>(List.of("bench-job", "--master=local[" + slots + "]",
                "input.path=" + input, "input.series-id=series", "input.timestamp=ts",
                "input.features=" + String.join(",", BenchData.features(FEATURES)), "model.path=" + model,
                "output.mode=overwrite", "output.path=" + workDir.resolve("output-" + name),
                "batch.size=" + BATCH));
        outputs.forEach((column, ref) -> arguments.add("outputs." + column + "=" + ref));
        arguments.addAll(List.of(settings));
        return childJvm(arguments, "benchmark job (" + name + ")");
    }

    /**
     * Runs a lstm-spark command in a fresh JVM (this JVM's options and classpath, the benchmark's fixed
     * heap) and reads the JSON line it prints last.
     */
    private JsonNode childJvm(List<String> arguments, String what) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(option -> !option.startsWith("-Xmx") && !option.startsWith("-Xms"))
                .forEach(command::add);
        command.add("-Xms" + heap);
        command.add("-Xmx" + heap);
        // The whole heap resident from the start: growth in resident memory is then memory outside the heap.
        command.add("-XX:+AlwaysPreTouch");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("io.lstmspark.job.Main");
        command.addAll(arguments);
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException(what + " failed; its log is above");
        }
        String last = out.lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b)
                .orElseThrow(() -> new IllegalStateException(what + " printed no result"));
        return RunReport.mapper().readTree(last);
    }

    private String table(int slots, TensorFlowRates tensorFlow, JsonNode b, JsonNode c, JsonNode e, JsonNode soak,
                         JsonNode stream, JsonNode scaledExtract, JsonNode scaledStream) {
        double rateB = b.get("windows").asDouble() / b.get("seconds").asDouble();
        double rateC = c.get("windows").asDouble() / c.get("seconds").asDouble();
        StringBuilder t = new StringBuilder();
        t.append(String.format(Locale.ROOT, "Model %s: T=%d, F=%d; %,d windows, %d task slots, batch %d%n%n",
                model, LENGTH, FEATURES, windows, slots, BATCH));
        t.append("| measure | result | target |\n|---|---|---|\n");
        double a = tensorFlow.call();
        double d = tensorFlow.batchOne();
        row(t, "(a) TensorFlow alone, batch 256", rate(a) + String.format(Locale.ROOT, " (with the model's own graph "
                + "computing the forecast as well: %,.0f; the model's forecast alone: %,.0f)",
                tensorFlow.forecastByModel(), tensorFlow.forecastOnly()), "");
        row(t, "(b) job, Parquet to Parquet, forecast + hidden state", rate(rateB) + ", b/a = " + ratio(rateB / a)
                        + "; its first run in a fresh JVM: " + rate(b.get("windows").asDouble()
                        / b.get("first_run_seconds").asDouble()),
                "b/a >= 0.8 " + verdict(rateB / a >= 0.8));
        row(t, "(c) job with the per-step output sequence", rate(rateC) + ", "
                + String.format(Locale.ROOT, "%.0f", c.get("output_bytes").asDouble() / c.get("windows").asDouble())
                + " output bytes/window (b: " + String.format(Locale.ROOT, "%.0f",
                b.get("output_bytes").asDouble() / b.get("windows").asDouble()) + ")", "");
        row(t, "(d) TensorFlow alone, batch 1", rate(d) + ", a/d = " + ratio(a / d), "a/d >= 20 " + verdict(a / d >= 20));
        row(t, "(e) job (b): heap retained (after a full GC at the end), peak heap after GCs, peak RSS, time",
                memory(b), "");
        if (e != null) {
            // What a run keeps is what survives a full collection; peak use after young collections also
            // counts old-generation garbage that G1 had no reason to collect yet (more of it in a longer run).
            double heap = e.get("retained_heap_bytes").asDouble() / b.get("retained_heap_bytes").asDouble();
            double rss = e.get("peak_rss_bytes").asDouble() / b.get("peak_rss_bytes").asDouble();
            double time = e.get("seconds").asDouble() / b.get("seconds").asDouble();
            row(t, "(e) job (b) on 10x windows", memory(e) + "; x" + ratio(heap) + " retained heap, x" + ratio(rss)
                    + " RSS, x" + ratio(time) + " time", "heap, RSS <= x1.2, time <= x12 "
                    + verdict(heap <= 1.2 && rss <= 1.2 && time <= 12));
        }
        // Per-step states of every step: extract with stride 1 writes each step in LENGTH windows (c),
        // stream mode once (g), on the same input; steps/s compare the two.
        double extractRate = stepsPerSecond(c);
        double streamRate = stepsPerSecond(stream);
        double smaller = (c.get("output_bytes").asDouble() / c.get("input_rows").asDouble())
                / (stream.get("output_bytes").asDouble() / stream.get("input_rows").asDouble());
        String atScale = "";
        double speedup = streamRate / extractRate;
        if (scaledStream != null) {
            speedup = stepsPerSecond(scaledStream) / stepsPerSecond(scaledExtract);
            atScale = String.format(Locale.ROOT, "; on 10x the steps %,.0f vs %,.0f (x%.1f)",
                    stepsPerSecond(scaledStream), stepsPerSecond(scaledExtract), speedup);
        }
        row(t, "(g) per-step states of every step: stream mode vs extract with stride 1 (c)", String.format(
                Locale.ROOT, "same input: %,.0f steps/s vs %,.0f (x%.1f)%s; output x%.1f smaller (%.0f vs %.0f "
                        + "bytes/step)", streamRate, extractRate, streamRate / extractRate, atScale, smaller,
                stream.get("output_bytes").asDouble() / stream.get("input_rows").asDouble(),
                c.get("output_bytes").asDouble() / c.get("input_rows").asDouble()),
                "both >= x" + LENGTH / 2 + " " + verdict(speedup >= LENGTH / 2.0 && smaller >= LENGTH / 2.0));
        if (soak != null) {
            double growth = soak.get("rss_at_end").asDouble() - soak.get("rss_after_warmup").asDouble();
            row(t, "(f) " + String.format(Locale.ROOT, "%,d", soak.get("batches").asLong())
                            + " batches: Arrow, tensor, session, rows", String.format(Locale.ROOT,
                            "RSS %.0f MB after %,d batches, %.0f MB at the end (%+.1f MB)",
                            soak.get("rss_after_warmup").asDouble() / 1e6, soak.get("warmup_batches").asLong(),
                            soak.get("rss_at_end").asDouble() / 1e6, growth / 1e6),
                    "flat " + verdict(growth < 32_000_000));
        }
        return t.toString();
    }

    private static double stepsPerSecond(JsonNode job) {
        return job.get("input_rows").asDouble() / job.get("seconds").asDouble();
    }

    private static void row(StringBuilder t, String measure, String result, String target) {
        t.append("| ").append(measure).append(" | ").append(result).append(" | ").append(target).append(" |\n");
    }

    private static String rate(double windowsPerSecond) {
        return String.format(Locale.ROOT, "%,.0f windows/s", windowsPerSecond);
    }

    private static String ratio(double value) {
        return String.format(Locale.ROOT, "%.2f", value);
    }

    private static String memory(JsonNode job) {
        String peak = job.get("peak_heap_bytes").asLong() == 0 ? "no GC during the run"
                : String.format(Locale.ROOT, "%.0f MB after GCs", job.get("peak_heap_bytes").asDouble() / 1e6);
        return String.format(Locale.ROOT, "%.0f MB heap retained (%s), %.0f MB RSS, %.1f s",
                job.get("retained_heap_bytes").asDouble() / 1e6, peak, job.get("peak_rss_bytes").asDouble() / 1e6,
                job.get("seconds").asDouble());
    }

    private static String verdict(boolean met) {
        return met ? "(met)" : "(missed)";
    }
}
