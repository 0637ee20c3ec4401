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

    /** What a report of {@code failure} names: the user error inside it, or else its root cause. */
    public static Throwable essence(Throwable failure) {
        Optional<LstmSparkException> userError = find(failure);
        if (userError.isPresent()) {
            return userError.get();
        }
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }

    /**
     * A failure in one line, for a console or a report: a user error's message, or else the root
     * cause's type and the first line of its message (Spark's own messages hold whole stack traces).
     */
    public static String oneLine(Throwable failure) {
        Throwable essence = essence(failure);
        if (essence instanceof LstmSparkException) {
            return essence.getMessage();
        }
        String message = essence.getMessage() == null ? "" : essence.getMessage().lines().findFirst().orElse("");
        return essence.getClass().getSimpleName() + (message.isEmpty() ? "" : ": " + message);
    }
}
