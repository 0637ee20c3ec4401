package io.lstmspark.model;

import io.lstmspark.LstmSparkException;

/** A model that cannot be used as configured; the message says what, where, and what to change. */
public class ModelException extends LstmSparkException {
    public ModelException(String message) {
        super(message);
    }

    public ModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
