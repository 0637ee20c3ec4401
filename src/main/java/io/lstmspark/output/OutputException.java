package io.lstmspark.output;

import io.lstmspark.LstmSparkException;

/** Output that cannot be written as configured; the message names the path and what to change. */
public class OutputException extends LstmSparkException {
    public OutputException(String message) {
        super(message);
    }
}
