package io.lstmspark.testing;

import io.lstmspark.model.LoadedModel;

/**
 * The rule tests hold lstm-spark's LSTM step kernel to: the steps lstm-spark builds compute their gates in it
 * where the build made it, unless the JVM property lstmspark.native-gates switches it off (as the build's
 * second run of the exactness suites does).
 */
public final class GatesKernel {

    private GatesKernel() {
    }

    /** Whether steps lstm-spark builds in this JVM take the kernel. */
    public static boolean expected() {
        boolean built = LoadedModel.class.getResource("native/linux-x86_64/liblstmspark_gates.so") != null;
        return built && !"false".equals(System.getProperty("lstmspark.native-gates"));
    }
}
