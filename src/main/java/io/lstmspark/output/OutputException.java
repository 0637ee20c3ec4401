package io.lstmspark.output;

/** Output that cannot be written as configured; the message names the path and what to change. */
public class OutputException extends RuntimeException {
    public OutputException(String message) {
        super(message);
    }
}
