package io.lstmspark.model.kerasfile;

import io.lstmspark.model.ModelException;

/** A Keras file lstm-spark cannot read or build; the message names the file's layer or weight at fault. */
public class KerasFileException extends ModelException {
    public KerasFileException(String message) {
        super(message);
    }

    public KerasFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
