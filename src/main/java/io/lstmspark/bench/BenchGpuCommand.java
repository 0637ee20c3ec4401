package io.lstmspark.bench;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.tensorflow.DeviceSpec;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench-gpu}: whether TensorFlow in this JVM can run on a GPU. It runs a matrix product placed on the
 * GPU without soft placement, so that TensorFlow fails instead of falling back to the CPU: a CPU build of
 * TensorFlow, or a GPU build that finds no device, fails the check (submit/gpu-bench.sh runs it first).
 */
@Command(name = "bench-gpu", mixinStandardHelpOptions = true,
        description = "Checks that TensorFlow runs on a GPU here (a matrix product placed on it, no fallback to the "
                + "CPU); exit code 1 when it cannot.")
public final class BenchGpuCommand implements Callable<Integer> {

    /** [[1, 2], [3, 4]] squared. */
    private static final float[][] SQUARE = {{7, 10}, {15, 22}};

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--device-index", defaultValue = "0", description = "The GPU to check (default: ${DEFAULT-VALUE}).")
    int deviceIndex;

    @Override
    public Integer call() {
        String device = "/device:GPU:" + deviceIndex;
        PrintWriter err = spec.commandLine().getErr();
        try (Graph graph = new Graph()) {
            Ops tf = Ops.create(graph).withDevice(
                    DeviceSpec.newBuilder().deviceType(DeviceSpec.DeviceType.GPU).deviceIndex(deviceIndex).build());
            Operand<TFloat32> matrix = tf.constant(new float[][] {{1, 2}, {3, 4}});
            Operand<TFloat32> product = tf.linalg.matMul(matrix, matrix);
            ConfigProto noFallback = ConfigProto.newBuilder().setAllowSoftPlacement(false).build();
            try (Session session = new Session(graph, noFallback);
                 Result result = session.runner().fetch(product).run()) {
                TFloat32 values = (TFloat32) result.get(0);
                for (int r = 0; r < 2; r++) {
                    for (int c = 0; c < 2; c++) {
                        if (values.getFloat(r, c) != SQUARE[r][c]) {
                            err.println("bench-gpu: a matrix product on " + device + " gave a wrong value at ["
                                    + r + "][" + c + "]: " + values.getFloat(r, c) + " instead of " + SQUARE[r][c]);
                            return 1;
                        }
                    }
                }
            }
        } catch (RuntimeException e) {
            err.println("bench-gpu: TensorFlow cannot run on " + device + ": " + e.getMessage().strip()
                    + "\nNeeded: a build with -Pgpu (TensorFlow's CUDA natives), an NVIDIA GPU visible to this process "
                    + "(nvidia-smi -L; CUDA_VISIBLE_DEVICES) and NVIDIA's driver, CUDA and cuDNN libraries.");
            return 1;
        }
        spec.commandLine().getOut().println("bench-gpu: TensorFlow ran a matrix product on " + device);
        return 0;
    }
}
