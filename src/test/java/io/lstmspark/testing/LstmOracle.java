package io.lstmspark.testing;

import java.util.function.DoubleUnaryOperator;

/**
 * A plain-Java LSTM written from the Keras equations, in double precision, as the independent
 * oracle for every number lstm-spark produces:
 * z = x W + h U + b; i, f, g, o = split(z); c' = f c + i g; h' = o act(c').
 */
public final class LstmOracle {

    public static final DoubleUnaryOperator SIGMOID = v -> 1 / (1 + Math.exp(-v));
    public static final DoubleUnaryOperator TANH = Math::tanh;
    public static final DoubleUnaryOperator RELU = v -> Math.max(0, v);

    /** Keras layout: kernel [F][4H], recurrent [H][4H], bias [4H]; gates i, f, c, o. */
    public record Layer(double[][] kernel, double[][] recurrent, double[] bias, DoubleUnaryOperator activation,
                        DoubleUnaryOperator recurrentActivation) {
        public int features() {
            return kernel.length;
        }

        public int units() {
            return recurrent.length;
        }

        /** A tanh/sigmoid layer from row-major float arrays. */
        public static Layer of(float[] kernel, float[] recurrent, float[] bias, int features, int units) {
            return new Layer(matrix(kernel, features, 4 * units), matrix(recurrent, units, 4 * units),
                    toDouble(bias), TANH, SIGMOID);
        }
    }

    /** Hidden and cell state after every step: h[t][unit], c[t][unit]. */
    public record States(double[][] h, double[][] c) {
        public double[] lastH() {
            return h[h.length - 1];
        }

        public double[] lastC() {
            return c[c.length - 1];
        }
    }

    private LstmOracle() {
    }

    /** Runs the layer over x [steps][features] from zero state. */
    public static States run(Layer layer, double[][] x) {
        return run(layer, x, new double[layer.units()], new double[layer.units()]);
    }

    /** Runs the layer over x [steps][features] from the given initial state. */
    public static States run(Layer layer, double[][] x, double[] h0, double[] c0) {
        int units = layer.units();
        double[][] hs = new double[x.length][];
        double[][] cs = new double[x.length][];
        double[] h = h0.clone();
        double[] c = c0.clone();
        for (int t = 0; t < x.length; t++) {
            double[] z = layer.bias().clone();
            for (int f = 0; f < layer.features(); f++) {
                for (int j = 0; j < 4 * units; j++) {
                    z[j] += x[t][f] * layer.kernel()[f][j];
                }
            }
            for (int k = 0; k < units; k++) {
                for (int j = 0; j < 4 * units; j++) {
                    z[j] += h[k] * layer.recurrent()[k][j];
                }
            }
            double[] nextH = new double[units];
            double[] nextC = new double[units];
            for (int u = 0; u < units; u++) {
                double i = layer.recurrentActivation().applyAsDouble(z[u]);
                double f = layer.recurrentActivation().applyAsDouble(z[units + u]);
                double g = layer.activation().applyAsDouble(z[2 * units + u]);
                double o = layer.recurrentActivation().applyAsDouble(z[3 * units + u]);
                nextC[u] = f * c[u] + i * g;
                nextH[u] = o * layer.activation().applyAsDouble(nextC[u]);
            }
            h = nextH;
            c = nextC;
            hs[t] = h;
            cs[t] = c;
        }
        return new States(hs, cs);
    }

    /** y = x W + b for a Dense layer with kernel [in][out] (no activation). */
    public static double[] dense(double[] x, double[][] kernel, double[] bias) {
        double[] y = bias.clone();
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < y.length; j++) {
                y[j] += x[i] * kernel[i][j];
            }
        }
        return y;
    }

    public static double[][] matrix(float[] rowMajor, int rows, int columns) {
        if (rowMajor.length != rows * columns) {
            throw new IllegalArgumentException(rowMajor.length + " values are not " + rows + " x " + columns);
        }
        double[][] m = new double[rows][columns];
        for (int r = 0; r < rows; r++) {
            for (int col = 0; col < columns; col++) {
                m[r][col] = rowMajor[r * columns + col];
            }
        }
        return m;
    }

    public static double[] toDouble(float[] values) {
        double[] d = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            d[i] = values[i];
        }
        return d;
    }
}
