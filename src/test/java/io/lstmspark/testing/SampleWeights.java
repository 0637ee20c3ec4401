package io.lstmspark.testing;

import io.lstmspark.sample.LstmWeights;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jetbrains.bio.npy.NpyArray;
import org.jetbrains.bio.npy.NpyFile;

/** The sample model's weights read back from its .npy files, as NumPy would read them. */
public record SampleWeights(LstmOracle.Layer lstm, double[][] denseKernel, double[] denseBias) {

    public static SampleWeights read(Path directory) {
        NpyArray kernel = npy(directory.resolve(LstmWeights.KERNEL));
        NpyArray recurrent = npy(directory.resolve(LstmWeights.RECURRENT_KERNEL));
        NpyArray denseKernel = npy(directory.resolve(LstmWeights.DENSE_KERNEL));
        int features = kernel.getShape()[0];
        int units = recurrent.getShape()[0];
        return new SampleWeights(
                LstmOracle.Layer.of(kernel.asFloatArray(), recurrent.asFloatArray(),
                        npy(directory.resolve(LstmWeights.BIAS)).asFloatArray(), features, units),
                LstmOracle.matrix(denseKernel.asFloatArray(), units, denseKernel.getShape()[1]),
                LstmOracle.toDouble(npy(directory.resolve(LstmWeights.DENSE_BIAS)).asFloatArray()));
    }

    private static NpyArray npy(Path file) {
        try {
            return NpyFile.read(file, Math.toIntExact(Math.max(1, Files.size(file))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
