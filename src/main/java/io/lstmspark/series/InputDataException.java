package io.lstmspark.series;

/** Input data the job cannot use as it is; the message names the series, timestamp and column at fault. */
public class InputDataException extends RuntimeException {
    public InputDataException(String message) {
        super(message);
    }
}
