package io.lstmspark.bench;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Locale;

/** The benchmark's Markdown table: each measure, its result and, where there is one, its target. */
final class BenchTable {

    private BenchTable() {
    }

    static String table(Path model, long windows, int slots, MachineBound.Configuration jobs,
                        SessionRates.TensorFlowRates tensorFlow, JsonNode b, JsonNode c, JsonNode e, JsonNode soak,
                        JsonNode stream, JsonNode scaledExtract, JsonNode scaledStream) {
        double rateB = b.get("windows").asDouble() / b.get("seconds").asDouble();
        double rateC = c.get("windows").asDouble() / c.get("seconds").asDouble();
        StringBuilder t = new StringBuilder();
        t.append(String.format(Locale.ROOT, "Model %s: T=%d, F=%d; %,d windows, %d cores; jobs in (a)'s "
                        + "configuration: %d concurrent task%s, batch.size %d, model.intra-op-threads %d%n%n",
                model, BenchCommand.LENGTH, BenchCommand.FEATURES, windows, slots, jobs.callers(),
                jobs.callers() == 1 ? "" : "s", jobs.batch(), jobs.intraOp()));
        t.append("| measure | result | target |\n|---|---|---|\n");
        double a = tensorFlow.call();
        double d = tensorFlow.batchOne();
        row(t, "(a) TensorFlow alone, the best configuration tried (listed below)", rate(a)
                + String.format(Locale.ROOT, " (other graphs at intra-op 1, batch 256, one caller per core: the "
                        + "model's own graph computing the forecast as well: %,.0f; the model's forecast alone: %,.0f)",
                tensorFlow.forecastByModel(), tensorFlow.forecastOnly()), "");
        row(t, "(b) job, Parquet to Parquet, forecast + hidden state", rate(rateB) + ", b/a = " + ratio(rateB / a)
                        + "; its first run in a fresh JVM: " + rate(b.get("windows").asDouble()
                        / b.get("first_run_seconds").asDouble()),
                "b/a >= 0.8 " + verdict(rateB / a >= 0.8));
        row(t, "(c) job with the per-step output sequence", rate(rateC) + ", "
                + String.format(Locale.ROOT, "%.0f", c.get("output_bytes").asDouble() / c.get("windows").asDouble())
                + " output bytes/window (b: " + String.format(Locale.ROOT, "%.0f",
                b.get("output_bytes").asDouble() / b.get("windows").asDouble()) + ")", "");
        row(t, "(d) TensorFlow alone, batch 1", rate(d) + ", a/d = " + ratio(a / d),
                "a/d >= 20 " + verdict(a / d >= 20));
        row(t, "(e) job (b): heap retained (after a full GC at the end), peak heap after GCs, peak RSS, time",
                memory(b), "");
        if (e != null) {
            // What a run keeps is what survives a full collection; peak use after young collections also
            // counts old-generation garbage that G1 had no reason to collect yet (more of it in a longer run).
            double heap = e.get("retained_heap_bytes").asDouble() / b.get("retained_heap_bytes").asDouble();
            double rss = e.get("peak_rss_bytes").asDouble() / b.get("peak_rss_bytes").asDouble();
            double time = e.get("seconds").asDouble() / b.get("seconds").asDouble();
            double rateE = e.get("windows").asDouble() / e.get("seconds").asDouble();
            row(t, "(e) job (b) on 10x windows", memory(e) + "; x" + ratio(heap) + " retained heap, x" + ratio(rss)
                    + " RSS, x" + ratio(time) + " time", "heap, RSS <= x1.2, time <= x12 "
                    + verdict(heap <= 1.2 && rss <= 1.2 && time <= 12));
            row(t, "(e) job (b) on 10x windows against (a)", rate(rateE) + ", b/a = " + ratio(rateE / a),
                    "b/a >= 0.8 " + verdict(rateE / a >= 0.8));
        }
        row(t, "b/a split: the share of the tasks' time in TensorFlow calls (input tensor, session run, outputs "
                + "copied) x those calls' rate against (a)", "(b): " + split(b, jobs.callers(), a)
                + (e == null ? "" : "; (e) on 10x windows: " + split(e, jobs.callers(), a)), "");
        row(t, "CPU of the measured run's JVM by thread, as shares of its cores x wall time: Spark's task threads "
                + "(where TensorFlow runs at intra-op 1), HotSpot's compilers, garbage collection, the rest (driver, "
                + "Spark's other threads), idle", "(b): " + cpuShares(b)
                + (e == null ? "" : "; (e) on 10x windows: " + cpuShares(e)), "");
        // Per-step states of every step: extract with stride 1 writes each step in BenchCommand.LENGTH windows (c),
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
                "both >= x" + BenchCommand.LENGTH / 2 + " " + verdict(speedup >= BenchCommand.LENGTH / 2.0
                        && smaller >= BenchCommand.LENGTH / 2.0));
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

    /**
     * Row (h): the model as a Keras file, built by lstm-spark, against the SavedModel export of the same
     * model: TensorFlow alone (the sessions taking turns), then the same job on each, one right after the other.
     */
    static String kerasFileRow(Path kerasFile, SessionRates.KerasFileRates rates, JsonNode kerasJob,
                               JsonNode exportJob) {
        double keras = rates.kerasFile();
        double savedModel = rates.savedModel();
        double kerasJobRate = kerasJob.get("windows").asDouble() / kerasJob.get("seconds").asDouble();
        double exportJobRate = exportJob.get("windows").asDouble() / exportJob.get("seconds").asDouble();
        StringBuilder t = new StringBuilder();
        row(t, "(h) the same model from " + kerasFile.getFileName() + ", built by lstm-spark, against its "
                + "model.export: TensorFlow alone (as (a), taking turns), the job (as (b), one after the other)",
                rate(keras) + " vs " + rate(savedModel) + " (x" + ratio(keras / savedModel) + "); job "
                + rate(kerasJobRate) + " vs " + rate(exportJobRate) + " (x" + ratio(kerasJobRate / exportJobRate) + ")",
                "both >= x1.0 " + verdict(keras >= savedModel && kerasJobRate >= exportJobRate));
        return t.toString();
    }

    /**
     * b/a = s x r/a, where s is the share of the concurrent tasks' wall time spent in TensorFlow calls and r
     * the windows per second of those calls, with as many tasks calling at once as (a) has callers.
     */
    private static String split(JsonNode job, int tasks, double a) {
        double windows = job.get("windows").asDouble();
        double modelSeconds = job.get("model_seconds").asDouble();
        double share = modelSeconds / (tasks * job.get("seconds").asDouble());
        double callRate = windows * tasks / modelSeconds;
        return ratio(share) + " x " + ratio(callRate / a) + " = " + ratio(share * callRate / a);
    }

    private static String cpuShares(JsonNode job) {
        double machine = job.get("cores").asDouble() * job.get("seconds").asDouble();
        JsonNode cpu = job.get("cpu_seconds");
        StringBuilder shares = new StringBuilder();
        for (String kind : new String[] {"tasks", "compilers", "gc", "other"}) {
            shares.append(kind).append(' ').append(ratio(cpu.get(kind).asDouble() / machine)).append(", ");
        }
        return shares.append("idle ").append(ratio(Math.max(0, 1 - cpu.get("process").asDouble() / machine)))
                .toString();
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
