package io.lstmspark.series;

import io.lstmspark.LstmSparkException;

/** Input data the job cannot use as it is; the message names the series, timestamp and column at fault. */
public class InputDataException extends LstmSparkException {
    public InputDataException(String message) {
        super(message);
    }
}
