package io.lstmspark.config;

import io.lstmspark.LstmSparkException;

/** A job configuration that cannot run; the message names the key and what to change. */
public class ConfigException extends LstmSparkException {
    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
