package io.lstmspark.testing;

import io.lstmspark.sample.LstmWeights;
import io.lstmspark.sample.SampleModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BiConsumer;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/** Small sample-style models built for a test in its own directory, with their .npy weights. */
public final class TestModels {

    /** The benchmark's model ({@link #benchModel()}) as a Keras 3 .keras file (the export's weights), for row (h). */
    public static final Path BENCH_KERAS_FILE = Path.of("src/test/resources/keras-files-fixtures/forecaster.keras");

    /** The benchmark's model (submit/bench.sh passes it too): LSTM(64) and Dense(1) over [?, 48, 8], Keras 3. */
    public static Path benchModel() {
        return SharedModels.savedModel("forecaster_keras3");
    }

    private TestModels() {
    }

    /** Exports the graph {@code build} makes, with the signature it declares, as a SavedModel at {@code model}. */
    private static Path export(Path model, BiConsumer<Ops, Signature.Builder> build) {
        try (Graph graph = new Graph(); Session session = new Session(graph)) {
            Signature.Builder signature = Signature.builder();
            build.accept(Ops.create(graph), signature);
            SavedModelBundle.exporter(model.toString()).withFunction(session.function(signature.build())).export();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return model;
    }

    /** A SavedModel at {@code dir/model} and its weights at {@code dir/weights}. */
    public static Path savedModel(Path dir, int features, int units, int length, long seed) {
        LstmWeights weights = LstmWeights.random(features, units, seed);
        Path model = dir.resolve("model");
        SampleModel.exportSavedModel(weights, length, model);
        weights.writeNpy(dir.resolve("weights"));
        return model;
    }

    /** A model whose output waits on a WriteFile into the test's directory, in the top-level graph. */
    public static Path writesFile(Path dir) {
        return export(dir.resolve("writes-file"), (tf, signature) -> {
            Placeholder<TFloat32> x = tf.withName("x").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, 2)));
            org.tensorflow.op.Op write = tf.withName("exfiltrate").io.writeFile(
                    tf.constant(dir.resolve("leak").toString()), tf.constant("data"));
            Operand<TFloat32> y = tf.withControlDependencies(List.of(write)).withName("y").identity(x);
            signature.input("x", x).output("y", y);
        });
    }

    /** A SavedModel whose only input, {@code counts}, is int32 [?, length, features]; output {@code total}. */
    public static Path intInput(Path dir, int length, int features) {
        return export(dir.resolve("int-input"), (tf, signature) -> {
            Placeholder<TInt32> counts = tf.withName("counts").placeholder(TInt32.class,
                    Placeholder.shape(Shape.of(-1, length, features)));
            Operand<TFloat32> total = tf.withName("total").sum(tf.dtypes.cast(counts, TFloat32.class),
                    tf.constant(new int[] {1, 2}));
            signature.input("counts", counts).output("total", total);
        });
    }

    /**
     * A SavedModel whose signature takes two inputs: {@code sequences} float32 [?, length, features]
     * and {@code weights} float32 [?, features]. Output {@code step_mean} [?, features] (the mean over
     * the steps) needs only {@code sequences}; {@code weighted} [?, 1] needs both.
     */
    public static Path twoInputs(Path dir, int length, int features) {
        return export(dir.resolve("two-inputs"), (tf, signature) -> {
            Placeholder<TFloat32> sequences = tf.withName("sequences").placeholder(TFloat32.class,
                    Placeholder.shape(Shape.of(-1, length, features)));
            Placeholder<TFloat32> weights = tf.withName("weights").placeholder(TFloat32.class,
                    Placeholder.shape(Shape.of(-1, features)));
            Operand<TFloat32> mean = tf.withName("step_mean").math.mean(sequences, tf.constant(1));
            Operand<TFloat32> weighted = tf.withName("weighted").sum(tf.math.mul(mean, weights), tf.constant(1),
                    org.tensorflow.op.core.Sum.keepDims(true));
            signature.input("sequences", sequences).input("weights", weights).output("step_mean", mean)
                    .output("weighted", weighted);
        });
    }

    /**
     * A SavedModel that takes {@code x} float32 [?, length, 1] and a carried state {@code h0} [?, 1]. Outputs:
     * {@code logs} = log(x) per step [?, length, 1] (NaN where x &lt; 0, -infinity where x = 0), {@code mean}
     * = mean(x) [?, 1] (finite), {@code running} = h0 + cumulative sum of x per step [?, length, 1], and the
     * state {@code total} = h0 + sum(x) [?, 1] that continues {@code h0}.
     */
    public static Path logOfInput(Path dir, int length) {
        return export(dir.resolve("log-of-input"), (tf, signature) -> {
            Placeholder<TFloat32> x = tf.withName("x").placeholder(TFloat32.class,
                    Placeholder.shape(Shape.of(-1, length, 1)));
            Placeholder<TFloat32> h0 = tf.withName("h0").placeholder(TFloat32.class,
                    Placeholder.shape(Shape.of(-1, 1)));
            Operand<TFloat32> logs = tf.withName("logs").math.log(x);
            Operand<TFloat32> mean = tf.withName("mean").math.mean(x, tf.constant(1));
            Operand<TFloat32> running = tf.withName("running").math.add(tf.expandDims(h0, tf.constant(1)),
                    tf.math.cumsum(x, tf.constant(1)));
            Operand<TFloat32> total = tf.withName("total").math.add(h0, tf.sum(x, tf.constant(1)));
            signature.input("x", x).input("h0", h0).output("logs", logs).output("mean", mean)
                    .output("running", running).output("total", total);
        });
    }

    /**
     * A SavedModel whose output {@code y} [?, 1] is the sum of each window's steps [?, length, 1] plus the number of
     * windows in the call: its values tell how many series each call held.
     */
    public static Path sumPlusCallSize(Path dir, int length) {
        return export(dir.resolve("sum-plus-call-size"), (tf, signature) -> {
            Placeholder<TFloat32> x = tf.withName("x").placeholder(TFloat32.class,
                    Placeholder.shape(Shape.of(-1, length, 1)));
            Operand<TInt32> windows = tf.slice(tf.shape(x), tf.constant(new int[] {0}), tf.constant(new int[] {1}));
            Operand<TFloat32> y = tf.withName("y").math.add(tf.sum(x, tf.constant(1)),
                    tf.dtypes.cast(windows, TFloat32.class));
            signature.input("x", x).output("y", y);
        });
    }
}
