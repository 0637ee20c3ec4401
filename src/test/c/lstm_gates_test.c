/*
 * Checks one variant of LstmSparkGates' gates() (src/main/c/lstm_gates.c), built alone for the -march it is
 * named by (argv[1]: x86-64-v4, x86-64-v3 or x86-64): the states equal the LSTM equations computed in double
 * precision with libm (relative 1e-5, as LstmStepTest holds the kernel in TensorFlow) over ordinary and
 * saturating inputs and sizes that leave vector tails, and NaN in a gate or in c comes out as NaN.
 * The JVM runs only the variant its CPU picks; this runs them all where the CPU has them.
 */
#include "lstm_gates.c"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static float uniform(double scale) {
    return (float) (scale * (2.0 * rand() / RAND_MAX - 1));
}

static double sigmoid(double x) {
    return 1 / (1 + exp(-x));
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s x86-64-v4|x86-64-v3|x86-64\n", argv[0]);
        return 2;
    }
    __builtin_cpu_init();
    int supported = strcmp(argv[1], "x86-64-v4") == 0 ? __builtin_cpu_supports("x86-64-v4")
                  : strcmp(argv[1], "x86-64-v3") == 0 ? __builtin_cpu_supports("x86-64-v3") : 1;
    if (!supported) {
        printf("%s: not run, this CPU does not have it\n", argv[1]);
        return 0;
    }
    const int64_t units = 67, batch = 131;
    size_t n = (size_t) (units * batch);
    float *z = malloc(4 * n * sizeof(float)), *c = malloc(n * sizeof(float));
    float *h = malloc(n * sizeof(float)), *c_next = malloc(n * sizeof(float));
    double worst = 0;
    srand(7);
    const double scales[] = {3, 12, 60};
    for (int s = 0; s < 3; s++) {
        for (size_t i = 0; i < 4 * n; i++) z[i] = uniform(scales[s]);
        for (size_t i = 0; i < n; i++) c[i] = uniform(4);
        gates(z, c, h, c_next, units, batch);
        for (size_t i = 0; i < n; i++) {
            double next = sigmoid(z[n + i]) * c[i] + sigmoid(z[i]) * tanh(z[2 * n + i]);
            double hidden = sigmoid(z[3 * n + i]) * tanh(next);
            worst = fmax(worst, fabs(next - c_next[i]) / fmax(1, fabs(next)));
            worst = fmax(worst, fabs(hidden - h[i]) / fmax(1, fabs(hidden)));
        }
    }
    int nan_kept = 1;
    for (int where = 0; where < 5; where++) {
        for (size_t i = 0; i < 4 * n; i++) z[i] = 0.5f;
        for (size_t i = 0; i < n; i++) c[i] = 0.5f;
        size_t at = 5 + (size_t) where * 1000;
        if (where < 4) z[(size_t) where * n + at] = NAN; else c[at] = NAN;
        gates(z, c, h, c_next, units, batch);
        /* The o gate (where 3) reaches h only. */
        nan_kept &= isnan(h[at]) && (where == 3 || isnan(c_next[at]));
    }
    printf("%s: largest relative difference %.3g (at most 1e-5), NaN kept: %s\n", argv[1], worst,
           nan_kept ? "yes" : "no");
    return worst <= 1e-5 && nan_kept ? 0 : 1;
}
