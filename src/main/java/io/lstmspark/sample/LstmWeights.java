package io.lstmspark.sample;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.jetbrains.bio.npy.NpyFile;

/**
 * Weights of a one-layer Keras-style LSTM with a Dense(1) head, in Keras layout: kernel [F, 4H],
 * recurrent kernel [H, 4H], bias [4H], gates in the order i, f, c, o; dense kernel [H, 1], bias [1].
 * Arrays are row-major.
 */
public record LstmWeights(int features, int units, float[] kernel, float[] recurrentKernel, float[] bias,
                          float[] denseKernel, float[] denseBias) {

    public static final String KERNEL = "lstm_kernel.npy";
    public static final String RECURRENT_KERNEL = "lstm_recurrent_kernel.npy";
    public static final String BIAS = "lstm_bias.npy";
    public static final String DENSE_KERNEL = "dense_kernel.npy";
    public static final String DENSE_BIAS = "dense_bias.npy";

    /**
     * Seeded weights drawn as Keras initialises them: Glorot-uniform kernels, zero bias except the
     * forget gate's (unit_forget_bias = 1).
     */
    public static LstmWeights random(int features, int units, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        int gates = 4 * units;
        float[] bias = new float[gates];
        for (int u = 0; u < units; u++) {
            bias[units + u] = 1f;
        }
        return new LstmWeights(features, units,
                glorot(random, features, gates),
                glorot(random, units, gates),
                bias,
                glorot(random, units, 1),
                new float[] {0.1f});
    }

    private static float[] glorot(SplittableRandom random, int fanIn, int fanOut) {
        double limit = Math.sqrt(6.0 / (fanIn + fanOut));
        float[] values = new float[fanIn * fanOut];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextDouble(-limit, limit);
        }
        return values;
    }

    /** Writes the weights as .npy files, so anyone can check the model with NumPy. */
    public void writeNpy(Path directory) {
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + directory, e);
        }
        int gates = 4 * units;
        NpyFile.write(directory.resolve(KERNEL), kernel, new int[] {features, gates});
        NpyFile.write(directory.resolve(RECURRENT_KERNEL), recurrentKernel, new int[] {units, gates});
        NpyFile.write(directory.resolve(BIAS), bias, new int[] {gates});
        NpyFile.write(directory.resolve(DENSE_KERNEL), denseKernel, new int[] {units, 1});
        NpyFile.write(directory.resolve(DENSE_BIAS), denseBias, new int[] {1});
    }
}
