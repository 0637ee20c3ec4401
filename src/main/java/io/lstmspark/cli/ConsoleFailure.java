package io.lstmspark.cli;

import io.lstmspark.LstmSparkException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What a failed command prints: one line with the message (a user error's, found inside whatever
 * Spark wrapped it in, or the failure's root cause), a line for each user error found along with it, the
 * command's notes, and where the stack trace went. The trace itself goes to the log file, and to the
 * console only with --verbose.
 */
final class ConsoleFailure {

    /** The exit code of a failure that is not the user's (a crash, a lost cluster, a bug). */
    static final int FAILURE_EXIT_CODE = 1;

    private ConsoleFailure() {
    }

    /** Prints {@code failure} as above and returns the command's exit code: 2 for a user error, 1 otherwise. */
    static int print(PrintWriter err, Throwable failure, List<String> notes, Optional<Path> logFile,
                     boolean verbose) {
        Optional<LstmSparkException> userError = LstmSparkException.find(failure);
        String line = (userError.isPresent() ? "lstm-spark: error: " : "lstm-spark: failed: ")
                + LstmSparkException.oneLine(failure);
        CliLogging.trace(line, failure);
        err.println(line);
        // A user error found while another was (the model's, checked while the input was) goes along with it;
        // Spark's own suppressed exceptions (its callers' stack traces) stay in the log.
        for (Throwable t = failure; t != null; t = t.getCause()) {
            for (Throwable suppressed : t.getSuppressed()) {
                LstmSparkException.find(suppressed).ifPresent(also -> err.println("lstm-spark: also: "
                        + also.getMessage()));
            }
        }
        notes.forEach(note -> err.println("lstm-spark: " + note));
        if (verbose) {
            failure.printStackTrace(err);
        }
        err.println(logFile.map(file -> "lstm-spark: the full trace is in " + file
                        + (verbose ? "" : " (--verbose prints it here)"))
                .orElse("lstm-spark: run with --verbose for the full trace"));
        err.flush();
        return userError.isPresent() ? LstmSparkException.EXIT_CODE : FAILURE_EXIT_CODE;
    }
}
