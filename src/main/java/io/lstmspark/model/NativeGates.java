package io.lstmspark.model;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.TensorFlow;

/**
 * TensorFlow's CPU kernel for the gates of an LSTM step, {@value #OP} (src/main/c/lstm_gates.c), loaded
 * once per JVM from lstm-spark's jar, where the build puts it when it has a C compiler on Linux x86-64.
 * Without it, or with the JVM property {@value #SWITCH}=false, the steps use TensorFlow's own ops.
 */
final class NativeGates {

    static final String OP = "LstmSparkGates";
    static final String SWITCH = "lstmspark.native-gates";

    private static final Logger LOG = LoggerFactory.getLogger(NativeGates.class);
    private static final String LIBRARY = "native/linux-x86_64/liblstmspark_gates.so";

    private static Boolean loaded;

    private NativeGates() {
    }

    /** Whether graphs may use {@value #OP}: loaded, and not switched off. */
    static boolean available() {
        return Boolean.parseBoolean(System.getProperty(SWITCH, "true")) && loaded();
    }

    private static synchronized boolean loaded() {
        if (loaded == null) {
            loaded = load();
        }
        return loaded;
    }

    private static boolean load() {
        URL library = NativeGates.class.getResource(LIBRARY);
        if (library == null || !System.getProperty("os.name").equals("Linux")
                || !System.getProperty("os.arch").equals("amd64")) {
            return false;
        }
        try {
            Path file = Files.createTempFile("lstmspark-gates", ".so");
            file.toFile().deleteOnExit();
            try (InputStream in = library.openStream()) {
                Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            }
            boolean registered = TensorFlow.loadLibrary(file.toString()).getOpList().stream()
                    .anyMatch(op -> op.getName().equals(OP));
            if (!registered) {
                LOG.warn("{} registered no {} op; LSTM steps use TensorFlow's own ops", LIBRARY, OP);
            }
            return registered;
        } catch (IOException | RuntimeException | UnsatisfiedLinkError e) {
            LOG.warn("cannot load {} ({}); LSTM steps use TensorFlow's own ops", LIBRARY, e.toString());
            return false;
        }
    }
}
