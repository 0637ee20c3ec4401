package io.lstmspark.model;

/** A model that cannot be used as configured; the message says what, where, and what to change. */
public class ModelException extends RuntimeException {
    public ModelException(String message) {
        super(message);
    }

    public ModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
