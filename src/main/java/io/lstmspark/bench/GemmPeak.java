package io.lstmspark.bench;

import io.lstmspark.model.SessionThreads;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * TensorFlow's fp32 matrix-multiply rate on this CPU: an n x n by n x n MatMul in a session with the
 * given threads, run by {@code callers} threads at once (as concurrent Spark tasks share a session).
 */
final class GemmPeak {

    static final int SIZE = 2048;
    private static final int PASSES = 5;

    private GemmPeak() {
    }

    private static TFloat32 filled(float value) {
        float[] values = new float[SIZE * SIZE];
        Arrays.fill(values, value);
        return TFloat32.tensorOf(Shape.of(SIZE, SIZE), DataBuffers.of(values));
    }

    /** The best of several passes, in floating-point operations per second over all callers together. */
    static double flopsPerSecond(SessionThreads threads, int callers) throws Exception {
        try (Graph graph = new Graph()) {
            Ops tf = Ops.create(graph);
            Operand<TFloat32> a = tf.withName("a").placeholder(TFloat32.class,
                    Placeholder.shape(Shape.of(SIZE, SIZE)));
            Operand<TFloat32> b = tf.withName("b").placeholder(TFloat32.class,
                    Placeholder.shape(Shape.of(SIZE, SIZE)));
            tf.withName("product").linalg.matMul(a, b);
            try (Session session = new Session(graph, threads.toConfigProto());
                 TFloat32 left = filled(1f);
                 TFloat32 right = filled(0.5f)) {
                Callable<Void> multiply = () -> {
                    try (Result product = session.runner().feed("a:0", left).feed("b:0", right)
                            .fetch("product:0").run()) {
                        product.size();
                    }
                    return null;
                };
                multiply.call();
                ExecutorService pool = Executors.newFixedThreadPool(callers);
                try {
                    double best = 0;
                    for (int pass = 0; pass < PASSES; pass++) {
                        long started = System.nanoTime();
                        List<Future<Void>> done = new ArrayList<>();
                        for (int c = 0; c < callers; c++) {
                            done.add(pool.submit(multiply));
                        }
                        for (Future<Void> f : done) {
                            f.get();
                        }
                        double seconds = (System.nanoTime() - started) / 1e9;
                        best = Math.max(best, callers * 2.0 * SIZE * SIZE * SIZE / seconds);
                    }
                    return best;
                } finally {
                    pool.shutdownNow();
                }
            }
        }
    }
}
