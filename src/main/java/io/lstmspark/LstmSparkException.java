package io.lstmspark;

import java.util.Optional;

/**
 * A run that cannot go on as configured because of what the user gave it (configuration, input data,
 * model, output location). The message says what, where, and what to change; the CLI prints it
 * without a stack trace and exits with the user-error code.
 */
public abstract class LstmSparkException extends RuntimeException {

    /** The exit code of a command refused for a user error (1 is left to failures: a crash, a lost cluster). */
    public static final int EXIT_CODE = 2;

    protected LstmSparkException(String message) {
        super(message);
    }

    protected LstmSparkException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The user-facing error inside whatever Spark wrapped it in (task failures, futures), if any. */
    public static Optional<LstmSparkException> find(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof LstmSparkException userError) {
                return Optional.of(userError);
            }
        }
        return Optional.empty();
    }
}
