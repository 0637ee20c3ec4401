package io.lstmspark.testing;

import static org.junit.jupiter.api.Assertions.fail;

/** Comparisons of computed values with an oracle's, relative to max(1, |expected|). */
public final class Tolerance {

    private Tolerance() {
    }

    public static void assertClose(double expected, double actual, double tolerance, String what) {
        double allowed = tolerance * Math.max(1, Math.abs(expected));
        if (!(Math.abs(expected - actual) <= allowed)) {
            fail(what + ": expected " + expected + " but was " + actual + " (difference "
                    + Math.abs(expected - actual) + " > " + allowed + ")");
        }
    }

    public static void assertAllClose(double[] expected, float[] actual, double tolerance, String what) {
        if (expected.length != actual.length) {
            fail(what + ": expected " + expected.length + " values but got " + actual.length);
        }
        for (int i = 0; i < expected.length; i++) {
            assertClose(expected[i], actual[i], tolerance, what + "[" + i + "]");
        }
    }

    public static void assertAllClose(double[] expected, double[] actual, double tolerance, String what) {
        if (expected.length != actual.length) {
            fail(what + ": expected " + expected.length + " values but got " + actual.length);
        }
        for (int i = 0; i < expected.length; i++) {
            assertClose(expected[i], actual[i], tolerance, what + "[" + i + "]");
        }
    }
}
